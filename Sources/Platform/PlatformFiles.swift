import CFileSystem
import Foundation

/// Why a path of the platform repository gave no bytes.
enum FileFailure: Error, Sendable {
    /// Nothing is there (a link whose target does not exist counts as nothing).
    case missing
    /// Something is there but is not read.
    case refused(FileRefusal)
}

/// A path that is not read although something is there: a symbolic link that leads outside the
/// repository or loops, or something other than a regular file.
struct FileRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    /// Relative to the root: the link itself (which may be a folder on the way to the file), or the file.
    var path: String
    var reason: String

    static let leavesRoot = "symbolic link leads outside the platform repository"
    static let loop = "symbolic link loop"

    /// `catalog/passwd-link: symbolic link leads outside the platform repository`, for a referrer's message.
    var description: String { "\(path): \(reason)" }

    /// The problem for `file` when no other file refers to it (the configuration names it, or a
    /// folder listing found it): listed under the refused path.
    func problem(reading file: String) -> LoadProblem {
        LoadProblem(file: path, line: nil, reason: path == file ? reason : "\(reason); \(file) is not read")
    }
}

/// Reads files below the platform root and names them relative to it, refusing paths that leave it.
///
/// A path is checked as written (`../..` may not climb out) and as the file system resolves it, so
/// that a symbolic link in the repository (`etc-link -> /etc`) cannot bring a file from outside onto
/// a page (in a cluster: the service-account token). Links that stay inside keep working, under
/// the name they have in the repository. A file is then opened one folder at a time from the root
/// without following links, so a link swapped in after the check is refused, not followed.
/// Hard links cannot be told apart from the file they share and are not refused.
struct PlatformFiles: Sendable {
    /// Absolute, standardized path of the platform repository.
    let root: String
    /// The root with every link resolved: the root may itself be a link (`/tmp` on macOS).
    let realRoot: String

    init(root: String) {
        self.root = URL(fileURLWithPath: root).standardizedFileURL.path
        self.realRoot = (try? Self.realPath(self.root).get()) ?? self.root
    }

    /// The absolute path for `relative`, or nil if it would leave the root (`../..`).
    func absolute(_ relative: String) -> String? {
        // Most paths are plain (the catalog's own globs give them): no URL parsing for those.
        if Self.isPlainRelative(relative) {
            return root + "/" + relative
        }
        let path = URL(fileURLWithPath: relative, relativeTo: URL(fileURLWithPath: root, isDirectory: true))
            .standardizedFileURL.path
        return path == root || path.hasPrefix(root + "/") ? path : nil
    }

    /// True for a relative path without empty, `.` or `..` components, looked at byte by byte: the
    /// load asks this of every file it reads.
    private static func isPlainRelative(_ path: String) -> Bool {
        var length = 0
        var dots = 0
        for byte in path.utf8 {
            if byte == UInt8(ascii: "/") {
                if length == 0 || (length == dots && dots <= 2) { return false }
                (length, dots) = (0, 0)
            } else {
                length += 1
                if byte == UInt8(ascii: ".") { dots += 1 }
            }
        }
        return length > 0 && !(length == dots && dots <= 2)
    }

    /// `absolute` written relative to the root (the root itself is ""), for messages and pages.
    func relative(_ absolute: String) -> String {
        if absolute == root { return "" }
        return absolute.hasPrefix(root + "/") ? String(absolute.dropFirst(root.count + 1)) : absolute
    }

    /// The bytes of a regular file of the repository.
    func read(_ relative: String) -> Result<[UInt8], FileFailure> {
        let direct = absolute(relative)
        // How a failure names the file; worked out only then, not for each of the catalog's reads.
        func name() -> String { direct.map(self.relative) ?? relative }
        // Most files are reached through no link at all: opening the path as written, one
        // component at a time without following links, proves it is inside, with no `realpath`
        // (a `readlink` per component, a third of the catalog's system time). Any failure takes
        // the careful way below, which names the link or the reason.
        if let direct,
            case .success(let file) = openWithoutLinks(realRoot + direct.dropFirst(root.count))
        {
            return read(descriptor: file, name: name())
        }
        let real: String
        switch resolve(relative) {
        case .success(let path): real = path
        case .failure(let failure): return .failure(failure)
        }
        let file: Int32
        switch openWithoutLinks(real) {
        case .success(let descriptor): file = descriptor
        case .failure(let error) where error.code == ENOENT: return .failure(.missing)
        case .failure(let error) where error.code == ELOOP || error.code == ENOTDIR:
            return .failure(
                .refused(FileRefusal(path: name(), reason: "a symbolic link appeared on its way while it was read")))
        case .failure(let error):
            return .failure(.refused(FileRefusal(path: name(), reason: "cannot be read: \(error)")))
        }
        return read(descriptor: file, name: name())
    }

    /// The bytes of an opened file, which it closes; refused unless it is a regular file.
    private func read(descriptor file: Int32, name: @autoclosure () -> String) -> Result<[UInt8], FileFailure> {
        defer { close(file) }
        var info = stat()
        guard fstat(file, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            return .failure(.refused(FileRefusal(path: name(), reason: "not a regular file")))
        }
        // Straight into an array of the file's size, plus a byte so that the end is met in the
        // same call, rather than through a zeroed 64 KiB buffer per file (the catalog reads 12,000
        // files at load); a file that grew meanwhile is read on until its end.
        var bytes: [UInt8] = []
        var size = min(Int(info.st_size), 1 << 24) + 1
        while true {
            var ended = false
            var failure: Int32 = 0
            let more = [UInt8](unsafeUninitializedCapacity: size) { buffer, filled in
                filled = 0
                while filled < buffer.count {
                    let count = readBytes(file, buffer.baseAddress! + filled, buffer.count - filled)
                    if count > 0 {
                        filled += count
                    } else if count == 0 {
                        ended = true
                        return
                    } else if errno != EINTR {
                        failure = errno
                        return
                    }
                }
            }
            if failure != 0 {
                return .failure(
                    .refused(FileRefusal(path: name(), reason: "cannot be read: \(SystemError(code: failure))")))
            }
            if bytes.isEmpty { bytes = more } else { bytes += more }
            if ended { return .success(bytes) }
            size = 64 * 1024
        }
    }

    /// The bytes of `file`, or nil when nothing is there or it is refused (then with a problem
    /// naming the refused path). For files named by the configuration or found by `files(in:)`.
    func read(_ file: String, problems: inout [LoadProblem]) -> [UInt8]? {
        switch read(file) {
        case .success(let bytes): return bytes
        case .failure(.missing): return nil
        case .failure(.refused(let refusal)):
            problems.append(refusal.problem(reading: file))
            return nil
        }
    }

    /// Files directly in a folder (relative paths, sorted), with one of the given extensions. A
    /// missing folder lists nothing; a refused one lists nothing and adds a problem. Links among
    /// the files are listed and refused when read.
    func files(in folder: String, extensions: Set<String>, problems: inout [LoadProblem]) -> [String] {
        let real: String
        switch entry(folder) {
        case .inside(.folder, let path): real = path
        case .refused(let refusal, _):
            problems.append(refusal.problem(reading: folder))
            return []
        default: return []
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: real)) ?? []
        return names.sorted().compactMap { name in
            guard extensions.contains((name as NSString).pathExtension.lowercased()), !name.hasPrefix(".") else {
                return nil
            }
            let file = join(folder, name)
            switch entry(file) {
            case .inside(.folder, _), .refused(_, .folder), .missing: return nil
            case .inside, .refused: return absolute(file).map(relative)
            }
        }
    }

    /// Files matching a relative pattern with `*`, `?` and `**` (any depth), sorted; and the links the
    /// pattern would have gone through or matched that are refused. `**` follows links to folders
    /// inside the root, each folder once, so a link to a parent folder does not loop.
    func glob(_ pattern: String) -> (files: [String], refused: [FileRefusal]) {
        var matches: [(relative: String, real: String)] = [("", realRoot)]
        var refused: [FileRefusal] = []
        let components = pattern.split(separator: "/").map(String.init)
        for (index, component) in components.enumerated() {
            // Each candidate with what it is; names listed in a folder are looked at in it. The
            // folders are independent: on all cores when there are thousands (`apps/*/…`).
            let found = matches.concurrentMap { base in globStep(component, in: base) }
            let candidates = found.flatMap(\.candidates)
            refused += found.flatMap(\.refused)
            // Folders on the way, files at the end; a refused link counts where it would have been used.
            let wanted: Kind = index == components.count - 1 ? .file : .folder
            matches = []
            for (candidate, entry) in candidates {
                switch entry {
                case .inside(let kind, let real) where kind == wanted: matches.append((candidate, real))
                case .refused(let refusal, let kind) where kind == wanted || kind == nil: refused.append(refusal)
                default: continue
                }
            }
        }
        var seen: Set<FileRefusal> = []
        return (matches.map(\.relative), refused.filter { seen.insert($0).inserted })
    }

    /// The paths one component of a glob pattern gives in `base`, each with what it is, and the
    /// links to folders a `**` walk refused.
    private func globStep(_ component: String, in base: (relative: String, real: String)) -> (
        candidates: [(relative: String, entry: Entry)], refused: [FileRefusal]
    ) {
        if component == "**" {
            let walk = descendantFolders(of: base)
            return (([base.relative] + walk.folders).map { ($0, entry($0)) }, walk.refused)
        }
        if component.contains(where: { "*?[".contains($0) }) {
            let listed = Self.list(folder: base.real).filter {
                !$0.name.hasPrefix(".") && fnmatch(component, $0.name, 0) == 0
            }
            return (
                listed.sorted { $0.name < $1.name }.map { name, kind in
                    // The listing says what most names are: a `stat` only for links and the unknown.
                    (
                        join(base.relative, name),
                        kind.map { .inside($0, real: base.real + "/" + name) }
                            ?? entry(named: name, in: base)
                    )
                }, []
            )
        }
        if component != ".", component != ".." {
            // A plain name in a folder whose real path is known: no `realpath` (the catalog's
            // `apps/*/catalog-info.yaml` names one in each of 10,000 folders).
            return ([(join(base.relative, component), entry(named: component, in: base))], [])
        }
        // `.` and `..`, which may not climb above the root.
        guard let path = absolute(join(base.relative, component)) else { return ([], []) }
        return ([(relative(path), entry(relative(path)))], [])
    }

    /// The names in a folder, each with its kind when the listing tells it (nil for a link or a
    /// file system that does not say); none when the folder cannot be read.
    private static func list(folder: String) -> [(name: String, kind: Kind?)] {
        guard let stream = opendir(folder) else { return [] }
        defer { closedir(stream) }
        var names: [(name: String, kind: Kind?)] = []
        while let item = readdir(stream) {
            let name = withUnsafeBytes(of: item.pointee.d_name) {
                String(cString: $0.bindMemory(to: CChar.self).baseAddress!)
            }
            if name == "." || name == ".." { continue }
            let kind: Kind?
            switch Int32(item.pointee.d_type) {
            case Int32(DT_REG): kind = .file
            case Int32(DT_DIR): kind = .folder
            case Int32(DT_LNK), Int32(DT_UNKNOWN): kind = nil
            default: kind = .other
            }
            names.append((name, kind))
        }
        return names
    }

    // MARK: - Resolving links

    enum Kind { case file, folder, other }

    /// What a path of the repository is once its links are followed.
    enum Entry {
        case inside(Kind, real: String)
        case missing
        /// With what the link leads to, when that is known (not for a loop).
        case refused(FileRefusal, Kind?)
    }

    /// `entry` of a name listed in a folder whose real path is known: what is not a link is what
    /// it is, with no `realpath` (two `readlink`s per folder level, for each of 10,000 files).
    private func entry(named name: String, in folder: (relative: String, real: String)) -> Entry {
        let real = folder.real + "/" + name
        var info = stat()
        if lstat(real, &info) == 0, info.st_mode & S_IFMT != S_IFLNK {
            return .inside(Self.kind(info), real: real)
        }
        return entry(join(folder.relative, name))
    }

    private func entry(_ relative: String) -> Entry {
        switch resolve(relative) {
        case .failure(.missing): return .missing
        case .failure(.refused(let refusal)):
            var info = stat()
            return .refused(refusal, absolute(relative).flatMap { stat($0, &info) == 0 ? Self.kind(info) : nil })
        case .success(let real):
            var info = stat()
            return stat(real, &info) == 0 ? .inside(Self.kind(info), real: real) : .missing
        }
    }

    /// The real path of `relative`, refused when it is written to leave the root or when the file
    /// system takes it outside the root or round a loop.
    private func resolve(_ relative: String) -> Result<String, FileFailure> {
        guard let path = absolute(relative) else {
            return .failure(
                .refused(FileRefusal(path: relative, reason: "the path leads outside the platform repository")))
        }
        switch Self.realPath(path) {
        case .success(let real) where isInside(real): return .success(real)
        case .success: return .failure(.refused(firstRefusedLink(on: path)))
        case .failure(let error) where error.code == ELOOP: return .failure(.refused(firstRefusedLink(on: path)))
        case .failure(let error) where error.code == EACCES:
            return .failure(.refused(FileRefusal(path: self.relative(path), reason: "permission denied")))
        case .failure: return .failure(.missing)
        }
    }

    /// The first link on the way to `path` that leads outside the root or loops: the one to name.
    private func firstRefusedLink(on path: String) -> FileRefusal {
        var prefix = root
        for component in relative(path).split(separator: "/") {
            prefix += "/" + component
            var info = stat()
            guard lstat(prefix, &info) == 0, info.st_mode & S_IFMT == S_IFLNK else { continue }
            switch Self.realPath(prefix) {
            case .success(let real) where isInside(real): continue
            case .success: return FileRefusal(path: relative(prefix), reason: FileRefusal.leavesRoot)
            case .failure(let error) where error.code == ELOOP:
                return FileRefusal(path: relative(prefix), reason: FileRefusal.loop)
            case .failure: continue
            }
        }
        // The links changed between the two looks.
        return FileRefusal(path: relative(path), reason: FileRefusal.leavesRoot)
    }

    private func isInside(_ real: String) -> Bool {
        real == realRoot || real.hasPrefix(realRoot + "/") || realRoot == "/"
    }

    /// Opens `real`, a path inside `realRoot` without links, refusing (ELOOP) a link on any of its
    /// components, so that a link put in place since `realpath` is not followed: in one call where
    /// the kernel has `openat2`, else one component at a time from the root.
    private func openWithoutLinks(_ real: String) -> Result<Int32, SystemError> {
        // Non-blocking, so that opening a named pipe does not wait for a writer; it is refused after.
        let opened = hp_open_without_links(real, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        if opened >= 0 { return .success(opened) }
        if errno != ENOSYS { return .failure(SystemError(code: errno)) }
        var current = open(realRoot, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard current >= 0 else { return .failure(SystemError(code: errno)) }
        let components = real.dropFirst(realRoot.count).split(separator: "/")
        for (index, component) in components.enumerated() {
            let mode = index == components.count - 1 ? O_NONBLOCK : O_DIRECTORY
            let next = openat(current, String(component), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | mode)
            let error = errno
            close(current)
            guard next >= 0 else { return .failure(SystemError(code: error)) }
            current = next
        }
        return .success(current)
    }

    private struct SystemError: Error, CustomStringConvertible {
        var code: Int32
        var description: String { String(cString: strerror(code)) }
    }

    private static func realPath(_ path: String) -> Result<String, SystemError> {
        guard let resolved = realpath(path, nil) else { return .failure(SystemError(code: errno)) }
        defer { free(resolved) }
        return .success(String(cString: resolved))
    }

    private static func kind(_ info: stat) -> Kind {
        switch info.st_mode & S_IFMT {
        case S_IFREG: .file
        case S_IFDIR: .folder
        default: .other
        }
    }

    private func join(_ folder: String, _ name: String) -> String {
        folder.isEmpty ? name : folder + "/" + name
    }

    /// Folders below `base` (relative paths, sorted), following links that stay inside, and the
    /// links to folders that are refused.
    private func descendantFolders(of base: (relative: String, real: String)) -> (
        folders: [String], refused: [FileRefusal]
    ) {
        var visited: Set<String> = [base.real]
        var folders: [String] = []
        var refused: [FileRefusal] = []
        var pending = [base]
        while let folder = pending.popLast() {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.real)) ?? []
            where !name.hasPrefix(".") {
                let path = join(folder.relative, name)
                switch entry(named: name, in: folder) {
                case .inside(.folder, let real) where visited.insert(real).inserted:
                    folders.append(path)
                    pending.append((path, real))
                case .refused(let refusal, let kind) where kind == .folder || kind == nil:
                    refused.append(refusal)
                default: continue
                }
            }
        }
        return (folders.sorted(), refused)
    }
}

/// `read(2)`, which `PlatformFiles.read` hides inside the type.
private func readBytes(_ file: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(file, buffer, count)
}
