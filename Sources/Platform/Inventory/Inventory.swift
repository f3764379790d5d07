/// The homelab's machines and the k3s nodes that run on them, from `platform/inventory.yaml`.
public struct Inventory: Sendable {
    public var hardware: [Hardware]
    public var nodes: [ClusterNode]

    public static let empty = Inventory(hardware: [], nodes: [])

    /// The nodes running as VMs on a machine.
    public func nodes(on host: String) -> [ClusterNode] {
        nodes.filter { $0.host == host }
    }
}

/// A physical machine (or a set of identical ones, `count`).
public struct Hardware: Sendable {
    public var name: String
    public var title: String
    public var role: String?
    public var type: String?
    public var cpu: Int?
    public var memoryGB: Double?
    public var storage: String?
    public var storageUsableTB: Double?
    public var gpu: String?
    public var gpuVRAMGB: Double?
    public var count: Int
    public var status: String
    public var notes: String?
}

/// A Kubernetes node as the inventory declares it.
public struct ClusterNode: Sendable {
    public var name: String
    public var roles: [String]
    /// The `Hardware.name` it runs on, if it is a VM.
    public var host: String?
    public var cpu: Int?
    public var memoryGB: Double?
    public var os: String?
}
