import Foundation
import Manifests
import YAML

/// The platform repository's list of images it knows (`platform/known-images.yaml`): the tag it
/// pins, the port the image listens on, the user it runs as and where it keeps its data. The
/// intent engine fills what a description leaves out from it, instead of guessing.
///
/// ```yaml
/// images:
///   - image: grafana/grafana      # repository, without tag
///     tag: "11.2.0"
///     port: 3000
///     user: 472                   # uid, or root
///     data: /var/lib/grafana
///     health: /api/health         # optional HTTP health path
///     aliases: [grafana]          # words in a description that mean this image
/// ```
public struct KnownImages: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        /// Repository without tag: `grafana/grafana`, `nginx`.
        public var image: String
        public var tag: String
        public var port: Int?
        /// The uid it runs as; 0 for root; nil when the file does not say.
        public var user: Int?
        public var dataPath: String?
        public var healthPath: String?
        /// Lowercase words that name it in a description (its last path component, and `aliases`).
        public var words: [String]

        public var reference: String { "\(image):\(tag)" }

        public init(
            image: String, tag: String, port: Int? = nil, user: Int? = nil, dataPath: String? = nil,
            healthPath: String? = nil, aliases: [String] = []
        ) {
            self.image = image
            self.tag = tag
            self.port = port
            self.user = user
            self.dataPath = dataPath
            self.healthPath = healthPath
            let last = image.split(separator: "/").last.map(String.init) ?? image
            var words = [last]
            for alias in aliases.map({ $0.lowercased() }) where !words.contains(alias) { words.append(alias) }
            self.words = words
        }
    }

    public var entries: [Entry]

    public init(_ entries: [Entry] = []) {
        self.entries = entries
    }

    /// Where the file lives in the platform repository.
    public static let path = "platform/known-images.yaml"

    /// The entry for `reference`'s repository (`grafana/grafana:10` → grafana/grafana), ignoring
    /// `docker.io/` and `library/` prefixes.
    public func entry(forImage reference: String) -> Entry? {
        let repository = Self.repository(of: reference)
        return entries.first { Self.repository(of: $0.image) == repository }
    }

    /// `docker.io/library/nginx:1.27` → `nginx`.
    public static func repository(of reference: String) -> String {
        var name = reference
        if let at = name.firstIndex(of: "@") { name = String(name[..<at]) }
        if let slash = name.lastIndex(of: "/"), let colon = name.lastIndex(of: ":"), colon > slash {
            name = String(name[..<colon])
        } else if !name.contains("/"), let colon = name.firstIndex(of: ":") {
            name = String(name[..<colon])
        }
        for prefix in ["docker.io/", "index.docker.io/", "library/"] where name.hasPrefix(prefix) {
            name.removeFirst(prefix.count)
        }
        return name.lowercased()
    }

    /// Reads the file with the platform repository's path rules; no file is an empty list. Each
    /// wrong entry is a problem for the errors page; the entries that could be read are kept.
    static func load(files: PlatformFiles, problems: inout [LoadProblem]) -> KnownImages {
        switch files.read(path) {
        case .failure(.missing): return KnownImages()
        case .failure(.refused(let refusal)):
            problems.append(refusal.problem(reading: path))
            return KnownImages()
        case .success(let bytes):
            let (images, found) = parse(String(decoding: bytes, as: UTF8.self))
            problems += found
            return images
        }
    }

    /// The entries of the file's text, and what is wrong with it, by line.
    public static func parse(_ text: String) -> (images: KnownImages, problems: [LoadProblem]) {
        let document: YAMLNode?
        do {
            document = try YAML.parse(text, limits: YAMLLimits(maxBytes: 1 << 20, maxAliasExpansion: 0))
        } catch {
            return (KnownImages(), [LoadProblem(file: path, line: error.line, reason: error.reason)])
        }
        guard let items = document?["images"]?.sequence else {
            return (
                KnownImages(),
                document.map { [LoadProblem(file: path, line: $0.mark.line, reason: "expected a list under `images`")] }
                    ?? []
            )
        }
        var entries: [Entry] = []
        var problems: [LoadProblem] = []
        for (index, item) in items.enumerated() {
            guard let image = item["image"]?.string, let tag = item["tag"]?.string,
                ImageReference.isValid("\(image):\(tag)")
            else {
                problems.append(
                    LoadProblem(
                        file: path, line: item.mark.line,
                        reason: "entry \(index + 1) needs `image` (without tag) and `tag`"))
                continue
            }
            let user: Int? =
                switch item["user"]?.string {
                case "root": 0
                case let text?: Int(text)
                case nil: nil
                }
            entries.append(
                Entry(
                    image: image, tag: tag, port: item["port"]?.int, user: user, dataPath: item["data"]?.string,
                    healthPath: item["health"]?.string,
                    aliases: item["aliases"]?.sequence?.compactMap(\.string) ?? []))
        }
        return (KnownImages(entries), problems)
    }
}
