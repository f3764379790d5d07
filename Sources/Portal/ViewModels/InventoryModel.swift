import Foundation
import Platform
import Status

/// `/inventory`: machines, the k3s nodes on them, and how much of each host the VMs take.
struct InventoryModel: Sendable {
    struct HardwareRow: Sendable {
        var name: String
        var title: String
        var role: String
        var type: String?
        var cpu: String?
        var memory: String?
        var storage: String?
        var gpu: String?
        var count: String
        var status: String
        var isReserved: Bool
        var notes: String?
        var nodes: [String]
        var capacity: [CapacityBar]
    }

    struct NodeRow: Sendable {
        var name: String
        var roles: String
        var host: String
        var hostAnchor: String?
        var cpu: String
        var memory: String
        var os: String
        /// From the Kubernetes API, when it answered and knows the node.
        var live: LiveNodeModel?
        /// "not in the cluster" or "not in the inventory".
        var flag: String?
    }

    var hardware: [HardwareRow]
    var nodes: [NodeRow]
    var isEmpty: Bool
    /// The Kubernetes API is configured: live columns are shown.
    var clusterLive: Bool
    var clusterNotice: UpstreamNotice?

    init(snapshot: PlatformSnapshot, status: LiveStatus, now: Date) {
        let inventory = snapshot.inventory
        hardware = inventory.hardware.map { host in
            let vms = inventory.nodes(on: host.name)
            var capacity: [CapacityBar] = []
            if !vms.isEmpty {
                if let cpu = host.cpu {
                    capacity.append(
                        CapacityBar(
                            resource: "vCPU", allocated: Double(vms.compactMap(\.cpu).reduce(0, +)),
                            physical: Double(cpu), unit: "vCPU"))
                }
                if let memory = host.memoryGB {
                    capacity.append(
                        CapacityBar(
                            resource: "Memory", allocated: vms.compactMap(\.memoryGB).reduce(0, +), physical: memory,
                            unit: "GB"))
                }
            }
            return HardwareRow(
                name: host.name,
                title: host.title,
                role: host.role ?? "",
                type: host.type,
                cpu: host.cpu.map { "\($0) vCPU" },
                memory: host.memoryGB.map { "\(Self.number($0)) GB" },
                storage: Self.joined([host.storage, host.storageUsableTB.map { "\(Self.number($0)) TB usable" }]),
                gpu: Self.joined([host.gpu, host.gpuVRAMGB.map { "\(Self.number($0)) GB VRAM" }]),
                count: host.count > 1 ? "×\(host.count)" : "",
                status: host.status,
                isReserved: host.status != "active",
                notes: host.notes,
                nodes: vms.map(\.name),
                capacity: capacity
            )
        }
        let titles = Dictionary(inventory.hardware.map { ($0.name, $0.title) }, uniquingKeysWith: { first, _ in first })
        // Inventory and cluster merged by node name; flags only once the cluster has answered.
        let liveNodes = status.nodes?.value
        let liveByName = Dictionary((liveNodes ?? []).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let usage = status.nodeUsage?.value ?? [:]
        nodes = inventory.nodes.map { node in
            // The cluster's role labels, when they say something the inventory does not.
            let clusterRoles = liveByName[node.name].map(\.roles).flatMap {
                $0.isEmpty || Set($0) == Set(node.roles) ? nil : $0
            }
            return NodeRow(
                name: node.name,
                roles: node.roles.joined(separator: ", ")
                    + (clusterRoles.map { " (cluster: \($0.joined(separator: ", ")))" } ?? ""),
                host: node.host.map { titles[$0] ?? $0 } ?? "",
                hostAnchor: node.host.map { "#host-\($0)" },
                cpu: node.cpu.map { "\($0) vCPU" } ?? "",
                memory: node.memoryGB.map { "\(Self.number($0)) GB" } ?? "",
                os: node.os ?? "",
                live: liveByName[node.name].map { LiveNodeModel($0, usage: usage[node.name], now: now) },
                flag: liveNodes != nil && liveByName[node.name] == nil ? "not in the cluster" : nil
            )
        }
        let declared = Set(inventory.nodes.map(\.name))
        nodes += (liveNodes ?? []).filter { !declared.contains($0.name) }.map { node in
            NodeRow(
                name: node.name, roles: node.roles.joined(separator: ", "), host: "", hostAnchor: nil, cpu: "",
                memory: "", os: "",
                live: LiveNodeModel(node, usage: usage[node.name], now: now), flag: "not in the inventory")
        }
        clusterLive = status.nodes != nil
        clusterNotice =
            UpstreamNotice(status.nodes, upstream: "Kubernetes API", now: now)
            ?? UpstreamNotice(status.nodeUsage, upstream: "Prometheus", now: now)
        isEmpty = hardware.isEmpty && nodes.isEmpty
    }

    /// The present parts joined with commas; nil when none is present.
    private static func joined(_ parts: [String?]) -> String? {
        let present = parts.compactMap { $0 }
        return present.isEmpty ? nil : present.joined(separator: ", ")
    }

    static func number(_ value: Double) -> String {
        value.rounded() == value ? String(Int(value)) : String(format: "%.1f", value)
    }
}

/// Allocated against physical capacity, drawn as an SVG bar (attributes only, so a strict CSP holds).
struct CapacityBar: Sendable {
    var resource: String
    var summary: String
    /// Width of the filled part in the 0...100 viewBox.
    var filledWidth: String
    var isOvercommitted: Bool

    init(resource: String, allocated: Double, physical: Double, unit: String) {
        let ratio = physical > 0 ? allocated / physical : 0
        self.resource = resource
        self.summary =
            "\(InventoryModel.number(allocated)) of \(InventoryModel.number(physical)) \(unit) allocated (\(Int((ratio * 100).rounded()))%)"
        self.filledWidth = String(format: "%.1f", min(ratio, 1) * 100)
        self.isOvercommitted = ratio > 1
    }
}

/// A node as the cluster reports it, with CPU and memory use from Prometheus when configured.
struct LiveNodeModel: Sendable {
    var ready: String
    var readyClass: String
    var roles: String
    var kubelet: String
    var osImage: String
    /// "4 CPU, 3.8 allocatable".
    var cpu: String
    var memory: String
    var pods: Int
    var age: String
    var usage: [UsageBar]

    init(_ node: LiveNode, usage: NodeUsage?, now: Date) {
        ready = node.isReady ? "Ready" : "NotReady"
        readyClass = node.isReady ? "state-ok" : "state-error"
        roles = node.roles.joined(separator: ", ")
        kubelet = node.kubeletVersion
        osImage = node.osImage
        cpu = Self.pair(node.cpuCapacity, node.cpuAllocatable) { InventoryModel.number($0) } + " CPU"
        memory =
            Self.pair(node.memoryCapacityBytes, node.memoryAllocatableBytes) {
                InventoryModel.number($0 / 1_073_741_824)
            } + " GiB"
        pods = node.podCount
        age = node.createdAt.map { Age.text(from: $0, to: now) } ?? ""
        self.usage = [("CPU", usage?.cpu), ("Memory", usage?.memory)].compactMap { name, ratio in
            ratio.map { UsageBar(resource: name, ratio: $0) }
        }
    }

    /// "4 (3.8 allocatable)", or what is known.
    private static func pair(_ capacity: Double?, _ allocatable: Double?, _ format: (Double) -> String) -> String {
        switch (capacity, allocatable) {
        case (let capacity?, let allocatable?) where capacity != allocatable:
            return "\(format(capacity)) (\(format(allocatable)) allocatable)"
        case (let capacity?, _): return format(capacity)
        case (nil, let allocatable?): return "\(format(allocatable)) allocatable"
        default: return "?"
        }
    }
}

/// Share of a resource in use, drawn as an SVG bar.
struct UsageBar: Sendable {
    var resource: String
    var percent: String
    var filledWidth: String
    /// Above 90%.
    var isHigh: Bool

    init(resource: String, ratio: Double) {
        self.resource = resource
        percent = "\(Int((ratio * 100).rounded()))%"
        filledWidth = String(format: "%.1f", min(max(ratio, 0), 1) * 100)
        isHigh = ratio > 0.9
    }
}
