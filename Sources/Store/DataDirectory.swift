import CFileSystem
import Foundation

/// Where the database may live. SQLite's locking relies on POSIX advisory locks, which network
/// file systems implement unreliably or not at all: two writers, or a lost lock, corrupt the
/// database. The data folder must be on a local disk (a local-path volume); backups may go to NFS.
public enum DataDirectory {
    /// The network file systems refused, by `statfs` `f_type` magic number.
    public static let networkFileSystems: [Int64: String] = [
        0x6969: "NFS",
        0x517B: "SMB",
        0xFF53_4D42: "CIFS",
        0xFE53_4D42: "SMB2",
        // A host folder shared into a VM or container (WSL's /mnt/c, QEMU virtfs).
        0x0102_1997: "9p",
        0x5346_414F: "AFS",
        0x6B41_4653: "AFS",
    ]

    /// Why a data folder on file system `type` is refused, or nil when it is accepted.
    public static func refusal(path: String, fileSystemType type: Int64, allowNetwork: Bool) -> String? {
        guard !allowNetwork, let name = networkFileSystems[type] else { return nil }
        return
            "data_dir \(path) is on a network file system (\(name)), where SQLite's file locking is unreliable and the database can be corrupted; "
            + "put it on a local disk (a local-path volume) and send backups to the network share with backup.dir, "
            + "or set data_dir_allow_network_fs: true (HOMEPORT_DATA_DIR_ALLOW_NETWORK_FS=true) to accept the risk"
    }

    /// Checks the file system holding `path` (created if missing); throws the refusal.
    public static func check(_ path: String, allowNetwork: Bool) throws(DataDirectoryError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw DataDirectoryError(reason: "cannot create data_dir \(path): \(error.localizedDescription)")
        }
        guard let type = fileSystemType(of: path) else { return }
        if let reason = refusal(path: path, fileSystemType: type, allowNetwork: allowNetwork) {
            throw DataDirectoryError(reason: reason)
        }
    }

    /// `statfs`'s `f_type` for `path`; nil when the call fails.
    public static func fileSystemType(of path: String) -> Int64? {
        let type = hp_filesystem_type(path)
        return type == -1 ? nil : Int64(type)
    }
}

/// Why the data folder is refused; stops the start.
public struct DataDirectoryError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}
