import YAML

/// Reads `platform/inventory.yaml`: `hardware:` and `nodes:` lists.
enum InventoryLoader {
    static func load(file: String, files: PlatformFiles, problems: inout [LoadProblem]) -> Inventory {
        guard let document = PlatformYAML.readDocument(file: file, files: files, topLevelKeys: ["hardware", "nodes"], problems: &problems) else { return .empty }
        var hardware: [Hardware] = []
        for item in PlatformYAML.list(document, "hardware", file: file, problems: &problems) {
            var record = YAMLRecord(item, file: file, context: "hardware entry")
            guard let name = record.string("name"), BackstageRules.isValidDNSName(name) else {
                problems.append(LoadProblem(file: file, line: item.mark.line, reason: "hardware entry needs a name of lowercase letters, digits, '-' and '.'"))
                continue
            }
            record = YAMLRecord(item, file: file, context: "hardware '\(name)'")
            _ = record.string("name")
            hardware.append(Hardware(
                name: name,
                title: record.string("title") ?? name,
                role: record.string("role"),
                type: record.string("type"),
                cpu: record.int("cpu"),
                memoryGB: record.number("memory_gb"),
                storage: record.string("storage"),
                storageUsableTB: record.number("storage_usable_tb"),
                gpu: record.string("gpu"),
                gpuVRAMGB: record.number("gpu_vram_gb"),
                count: record.int("count") ?? 1,
                status: record.string("status") ?? "active",
                notes: record.string("notes")
            ))
            problems += record.finish()
        }

        let hostNames = Set(hardware.map(\.name))
        var nodes: [ClusterNode] = []
        for item in PlatformYAML.list(document, "nodes", file: file, problems: &problems) {
            var record = YAMLRecord(item, file: file, context: "node")
            guard let name = record.string("name"), BackstageRules.isValidDNSName(name) else {
                problems.append(LoadProblem(file: file, line: item.mark.line, reason: "node entry needs a name of lowercase letters, digits, '-' and '.'"))
                continue
            }
            record = YAMLRecord(item, file: file, context: "node '\(name)'")
            _ = record.string("name")
            let host = record.string("host")
            if let host, !hostNames.contains(host), let node = item["host"] {
                record.report(node, "host '\(host)' is not in the hardware list")
            }
            nodes.append(ClusterNode(
                name: name,
                roles: record.strings("roles"),
                host: host,
                cpu: record.int("cpu"),
                memoryGB: record.number("memory_gb"),
                os: record.string("os")
            ))
            problems += record.finish()
        }
        return Inventory(hardware: hardware, nodes: nodes)
    }
}
