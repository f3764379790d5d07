import Foundation

/// Reads files below the platform root and names them relative to it, refusing paths that leave it.
struct PlatformFiles: Sendable {
    /// Absolute, standardized path of the platform repository.
    let root: String

    init(root: String) {
        self.root = URL(fileURLWithPath: root).standardizedFileURL.path
    }

    /// The absolute path for `relative`, or nil if it would leave the root (`../..`).
    func absolute(_ relative: String) -> String? {
        // Most paths are plain (the catalog's own globs give them): no URL parsing for those.
        if !relative.isEmpty, !relative.hasPrefix("/"),
           !relative.split(separator: "/", omittingEmptySubsequences: false).contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) {
            return root + "/" + relative
        }
        let path = URL(fileURLWithPath: relative, relativeTo: URL(fileURLWithPath: root, isDirectory: true)).standardizedFileURL.path
        return path == root || path.hasPrefix(root + "/") ? path : nil
    }

    /// `absolute` written relative to the root, for messages and pages.
    func relative(_ absolute: String) -> String {
        absolute.hasPrefix(root + "/") ? String(absolute.dropFirst(root.count + 1)) : absolute
    }

    func read(_ relative: String) -> [UInt8]? {
        guard let path = absolute(relative), let data = FileManager.default.contents(atPath: path) else { return nil }
        return [UInt8](data)
    }

    func exists(_ relative: String) -> Bool {
        guard let path = absolute(relative) else { return false }
        return FileManager.default.fileExists(atPath: path)
    }

    /// Regular files directly in a folder (relative paths, sorted), with one of the given extensions.
    func files(in folder: String, extensions: Set<String>) -> [String] {
        guard let path = absolute(folder),
              let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return [] }
        return names.sorted().compactMap { name in
            let ext = (name as NSString).pathExtension.lowercased()
            guard extensions.contains(ext), !name.hasPrefix(".") else { return nil }
            let full = path + "/" + name
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue else { return nil }
            return relative(full)
        }
    }

    /// Files matching a relative pattern with `*`, `?` and `**` (any depth), sorted.
    func glob(_ pattern: String) -> [String] {
        var matches: [String] = [root]
        for component in pattern.split(separator: "/").map(String.init) {
            var next: [String] = []
            for base in matches {
                if component == "**" {
                    next.append(contentsOf: [base] + descendantFolders(of: base))
                } else if component.contains(where: { "*?[".contains($0) }) {
                    let names = (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []
                    next.append(contentsOf: names.sorted().filter { !$0.hasPrefix(".") && fnmatch(component, $0, 0) == 0 }.map { base + "/" + $0 })
                } else if component == ".." || component == "." {
                    next.append(URL(fileURLWithPath: base + "/" + component).standardizedFileURL.path)
                } else {
                    let path = base + "/" + component
                    if FileManager.default.fileExists(atPath: path) { next.append(path) }
                }
            }
            matches = next.filter { $0 == root || $0.hasPrefix(root + "/") }
        }
        return matches.filter { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }.map(relative)
    }

    private func descendantFolders(of base: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: base) else { return [] }
        var folders: [String] = []
        while let name = enumerator.nextObject() as? String {
            if (name as NSString).lastPathComponent.hasPrefix(".") {
                enumerator.skipDescendants()
                continue
            }
            var isDirectory: ObjCBool = false
            let path = base + "/" + name
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                folders.append(path)
            }
        }
        return folders.sorted()
    }
}
