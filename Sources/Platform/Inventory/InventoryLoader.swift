import DNSNames
import YAML

/// Reads `platform/inventory.yaml`: `hardware:` and `nodes:` lists.
enum InventoryLoader {
    static func load(file: String, files: PlatformFiles, problems: inout [LoadProblem]) -> Inventory {
        guard
            let document = PlatformYAML.readDocument(
                file: file, files: files, topLevelKeys: ["hardware", "nodes"], problems: &problems)
        else { return .empty }
        var hardware: [Hardware] = []
        for item in PlatformYAML.list(document, "hardware", file: file, problems: &problems) {
            guard case (var record, let name)? = namedRecord(item, kind: "hardware", file: file, problems: &problems)
            else { continue }
            hardware.append(
                Hardware(
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
            guard case (var record, let name)? = namedRecord(item, kind: "node", file: file, problems: &problems) else {
                continue
            }
            let host = record.string("host")
            if let host, !hostNames.contains(host), let node = item["host"] {
                record.report(node, "host '\(host)' is not in the hardware list")
            }
            nodes.append(
                ClusterNode(
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

    /// A record for a list entry named by a DNS-style `name`, whose problems read "node 'k3s-01': ...";
    /// nil, with a problem, when the name is missing or malformed.
    private static func namedRecord(_ item: YAMLNode, kind: String, file: String, problems: inout [LoadProblem]) -> (
        YAMLRecord, String
    )? {
        guard let name = item["name"]?.string, DNSName.isHostname(name) else {
            problems.append(
                LoadProblem(
                    file: file, line: item.mark.line,
                    reason: "\(kind) entry needs a name of lowercase letters, digits, '-' and '.'"))
            return nil
        }
        var record = YAMLRecord(item, file: file, context: "\(kind) '\(name)'")
        _ = record.string("name")
        return (record, name)
    }
}
