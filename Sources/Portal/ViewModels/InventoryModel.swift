import Foundation
import Platform

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
    }

    var hardware: [HardwareRow]
    var nodes: [NodeRow]
    var isEmpty: Bool

    init(snapshot: PlatformSnapshot) {
        let inventory = snapshot.inventory
        hardware = inventory.hardware.map { host in
            let vms = inventory.nodes(on: host.name)
            var capacity: [CapacityBar] = []
            if !vms.isEmpty {
                if let cpu = host.cpu {
                    capacity.append(CapacityBar(resource: "vCPU", allocated: Double(vms.compactMap(\.cpu).reduce(0, +)), physical: Double(cpu), unit: "vCPU"))
                }
                if let memory = host.memoryGB {
                    capacity.append(CapacityBar(resource: "Memory", allocated: vms.compactMap(\.memoryGB).reduce(0, +), physical: memory, unit: "GB"))
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
        nodes = inventory.nodes.map { node in
            NodeRow(
                name: node.name,
                roles: node.roles.joined(separator: ", "),
                host: node.host.map { titles[$0] ?? $0 } ?? "",
                hostAnchor: node.host.map { "#host-\($0)" },
                cpu: node.cpu.map { "\($0) vCPU" } ?? "",
                memory: node.memoryGB.map { "\(Self.number($0)) GB" } ?? "",
                os: node.os ?? ""
            )
        }
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
        self.summary = "\(InventoryModel.number(allocated)) of \(InventoryModel.number(physical)) \(unit) allocated (\(Int((ratio * 100).rounded()))%)"
        self.filledWidth = String(format: "%.1f", min(ratio, 1) * 100)
        self.isOvercommitted = ratio > 1
    }
}
