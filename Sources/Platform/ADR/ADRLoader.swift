import Foundation
import Markdown

/// Loads every `*.md` record of the ADR folder whose name starts with a number, renders it once,
/// and links supersession both ways.
struct ADRLoader {
    let files: PlatformFiles
    var problems: [LoadProblem] = []

    init(files: PlatformFiles) {
        self.files = files
    }

    /// The records of `folder`; links between them point at their pages (`ADR.page`): the
    /// platform's, or those of `owner` for records kept beside an entity.
    mutating func load(folder: String, owner: EntityRef? = nil) -> [ADR] {
        var headers: [(id: String, file: String, header: ADRHeader)] = []
        for file in files.files(in: folder, extensions: ["md", "markdown"], problems: &problems) {
            let id = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
            // README.md, index.md and templates are not records.
            guard id.first?.isNumber == true else { continue }
            guard let bytes = files.read(file, problems: &problems) else { continue }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                problems.append(LoadProblem(file: file, line: nil, reason: "the file is not valid UTF-8"))
                continue
            }
            do {
                headers.append((id, file, try ADRParser.parse(text)))
            } catch {
                problems.append(LoadProblem(file: file, line: error.line, reason: error.reason))
            }
        }

        let ids = Set(headers.map(\.id))
        let byNumber = Dictionary(
            headers.compactMap { item in Self.number(of: item.id).map { ($0, item.id) } },
            uniquingKeysWith: { first, _ in first })
        func resolve(_ reference: String, from file: String) -> String? {
            let stem = ((reference.components(separatedBy: "#")[0] as NSString).lastPathComponent as NSString)
                .deletingPathExtension
            if ids.contains(stem) { return stem }
            if let number = Int(reference), let id = byNumber[number] { return id }
            problems.append(
                LoadProblem(file: file, line: nil, reason: "supersession link '\(reference)' names no ADR in \(folder)")
            )
            return nil
        }

        var records = headers.map { item in
            let body = Markdown.render(item.header.body) { url in
                Self.portalLink(for: url, ids: ids, owner: owner)
            }
            return ADR(
                id: item.id,
                number: Self.number(of: item.id),
                title: Markdown.titleText(item.header.title),
                titleHTML: Markdown.titleHTML(item.header.title),
                status: ADRStatus(text: item.header.status ?? "Unknown"),
                date: item.header.date,
                deciders: item.header.deciders,
                supersedes: item.header.supersedes.compactMap { resolve($0, from: item.file) },
                supersededBy: item.header.supersededBy.compactMap { resolve($0, from: item.file) },
                html: body.html,
                text: body.text,
                file: item.file
            )
        }
        // Supersession declared on either side shows on both.
        let position = Dictionary(uniqueKeysWithValues: records.enumerated().map { ($1.id, $0) })
        for record in records {
            for old in record.supersedes where !records[position[old]!].supersededBy.contains(record.id) {
                records[position[old]!].supersededBy.append(record.id)
            }
            for new in record.supersededBy where !records[position[new]!].supersedes.contains(record.id) {
                records[position[new]!].supersedes.append(record.id)
            }
        }
        return records.sorted { ($0.number ?? .max, $0.id) < ($1.number ?? .max, $1.id) }
    }

    /// `002-k3s.md#context` → `/adr/002-k3s#context` for links between records of the folder.
    static func portalLink(for url: String, ids: Set<String>, owner: EntityRef? = nil) -> String? {
        guard !url.contains(":"), !url.hasPrefix("/") else { return nil }
        let parts = url.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        let path = String(parts[0])
        guard path.hasSuffix(".md") else { return nil }
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        guard ids.contains(stem), !path.contains("/") || path.hasPrefix("./") else { return nil }
        return ADR.page(id: stem, owner: owner).path + (parts.count > 1 ? "#\(parts[1])" : "")
    }

    static func number(of id: String) -> Int? {
        Int(id.prefix { $0.isNumber })
    }
}
