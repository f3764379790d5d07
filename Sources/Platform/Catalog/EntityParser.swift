import DNSNames
import Markdown
import YAML

/// A reference written in a `spec` field, before the whole catalog is known.
struct DeclaredRelation {
    var type: RelationType
    var target: EntityRef
    var field: String
    var line: Int
}

/// What one YAML document of a catalog file yields.
struct ParsedEntity {
    var entity: Entity
    var relations: [DeclaredRelation]
    /// A Location's targets, as written.
    var locationTargets: [(target: String, line: Int)]
}

/// Turns one YAML document into an entity, checking it the way Backstage's validators do.
///
/// A document that breaks a rule is refused as a whole (`.failure`); a bad reference inside an
/// otherwise valid entity is reported in `problems` and the entity is kept.
struct EntityParser {
    let file: String
    /// `EntityParser.fingerprint` of the file's bytes.
    let fileFingerprint: Int
    /// Reads `$text`/`$json`/`$yaml` placeholder files, relative to the entity's file.
    let readPlaceholder: (String) -> Result<String, EntityParser.Failure>
    var problems: [LoadProblem] = []

    struct Failure: Error {
        var line: Int
        var reason: String
    }

    mutating func parse(_ document: YAMLNode) -> Result<ParsedEntity, Failure> {
        do {
            return .success(try parseEntity(document))
        } catch {
            return .failure(error)
        }
    }

    private mutating func parseEntity(_ document: YAMLNode) throws(Failure) -> ParsedEntity {
        guard document.mapping != nil else {
            throw Failure(
                line: document.mark.line, reason: "a catalog entity must be a mapping, found a \(document.shapeName)")
        }
        let apiVersion = try requiredString(document, "apiVersion", in: document)
        guard BackstageRules.isValidAPIVersion(apiVersion) else {
            throw Failure(
                line: document["apiVersion"]!.mark.line,
                reason: "apiVersion '\(apiVersion)' is not of the form group/version")
        }
        let kind = try requiredString(document, "kind", in: document)
        guard BackstageRules.isValidKind(kind) else {
            throw Failure(
                line: document["kind"]!.mark.line,
                reason: "kind '\(kind)' must be a letter followed by letters and digits")
        }
        guard let metadata = document["metadata"], metadata.mapping != nil else {
            throw Failure(line: document.mark.line, reason: "metadata is required and must be a mapping")
        }
        let name = try requiredString(metadata, "name", in: document, prefix: "metadata.")
        guard BackstageRules.isValidName(name) else {
            throw Failure(
                line: metadata["name"]!.mark.line,
                reason:
                    "metadata.name '\(name)' is not a valid name: 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit"
            )
        }
        let namespace = try optionalString(metadata, "namespace", prefix: "metadata.") ?? EntityRef.defaultNamespace
        guard DNSName.isLabel(namespace) else {
            throw Failure(
                line: metadata["namespace"]!.mark.line,
                reason:
                    "metadata.namespace '\(namespace)' is not a valid namespace: lowercase letters, digits and '-', at most 63"
            )
        }
        let tags = try stringList(metadata, "tags", prefix: "metadata.")
        if let bad = tags.first(where: { !BackstageRules.isValidTag($0.value) }) {
            throw Failure(
                line: bad.line,
                reason:
                    "tag '\(bad.value)' is not valid: lowercase letters, digits, ':', '+', '#' in words joined by '-', at most 63"
            )
        }
        let spec = document["spec"]
        if let spec, spec.mapping == nil, !spec.isNull {
            throw Failure(line: spec.mark.line, reason: "spec must be a mapping, found a \(spec.shapeName)")
        }
        let ref = EntityRef(kind: kind, namespace: namespace, name: name)
        let coreKind = EntityKind(rawValue: ref.kind)
        if let coreKind {
            for field in BackstageRules.requiredSpecFields(for: coreKind, type: spec?["type"]?.string)
            where spec?[field] == nil || spec?[field]?.isNull == true {
                throw Failure(
                    line: (spec ?? document).mark.line, reason: "spec.\(field) is required for \(coreKind.withArticle)")
            }
        }

        // Fields that may refuse the entity first, in the order they are written; then what
        // adds problems without refusing it.
        let title = try optionalString(metadata, "title", prefix: "metadata.")
        let description = try optionalString(metadata, "description", prefix: "metadata.")
        let labels = try keyValues(metadata, "labels")
        let annotations = try keyValues(metadata, "annotations")
        let links = try self.links(metadata)
        let type = try spec.map { (spec) throws(Failure) in try optionalString(spec, "type", prefix: "spec.") } ?? nil
        let lifecycle =
            try spec.map { (spec) throws(Failure) in try optionalString(spec, "lifecycle", prefix: "spec.") } ?? nil
        let definition = try coreKind == .api ? self.definition(spec?["definition"]) : nil
        let locationTargets = try coreKind == .location ? spec.map(self.locationTargets) ?? [] : []
        let shownSpec = spec.flatMap { Self.shown($0, definitionApart: definition != nil) }
        let relations = spec.map { declaredRelations(of: ref, spec: $0) } ?? []
        let entity = Entity(
            ref: ref, apiVersion: apiVersion, kind: kind, name: name, namespace: namespace,
            title: title, description: description, labels: labels, annotations: annotations,
            tags: tags.map(\.value), links: links, type: type, lifecycle: lifecycle,
            owner: relations.first { $0.type == .ownedBy }?.target,
            specFingerprint: shownSpec == nil ? nil : fileFingerprint, definition: definition,
            source: SourceLocation(file: file, line: document.mark.line))
        return ParsedEntity(entity: entity, relations: relations, locationTargets: locationTargets)
    }

    /// The part of `spec` the entity page shows, nil when nothing is left: all of it but an API's
    /// definition, which is shown on its own page when it is there.
    static func shown(_ spec: YAMLNode, definitionApart: Bool) -> YAMLNode? {
        guard case .mapping(let pairs) = spec.value else { return nil }
        let shown = pairs.filter { $0.key.string != "definition" || !definitionApart }
        return shown.isEmpty ? nil : YAMLNode(.mapping(shown), mark: spec.mark)
    }

    /// Tells a file's bytes from other bytes, within one run of the server.
    static func fingerprint(_ bytes: [UInt8]) -> Int {
        var hasher = Hasher()
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
        return hasher.finalize()
    }

    private mutating func declaredRelations(of ref: EntityRef, spec: YAMLNode) -> [DeclaredRelation] {
        var relations: [DeclaredRelation] = []
        for field in RelationField.fields(for: ref.kind) {
            guard let node = spec[field.path], !node.isNull else { continue }
            let values: [YAMLNode] = field.isList ? (node.sequence ?? [node]) : [node]
            for value in values {
                guard let text = value.string else {
                    problems.append(
                        LoadProblem(
                            file: file, line: value.mark.line,
                            reason: "spec.\(field.path) must hold entity references, found a \(value.shapeName)"))
                    continue
                }
                switch EntityRef.parse(text, defaultKind: field.defaultKind, defaultNamespace: ref.namespace) {
                case .success(let target):
                    relations.append(
                        DeclaredRelation(
                            type: field.type, target: target, field: "spec.\(field.path)", line: value.mark.line))
                case .failure(let error):
                    problems.append(
                        LoadProblem(file: file, line: value.mark.line, reason: "spec.\(field.path): \(error.reason)"))
                }
            }
        }
        return relations
    }

    private func locationTargets(_ spec: YAMLNode) throws(Failure) -> [(target: String, line: Int)] {
        var targets: [(String, Int)] = []
        if let target = spec["target"] {
            guard let text = target.string else {
                throw Failure(line: target.mark.line, reason: "spec.target must be a string")
            }
            targets.append((text, target.mark.line))
        }
        targets.append(contentsOf: try stringList(spec, "targets", prefix: "spec.").map { ($0.value, $0.line) })
        guard !targets.isEmpty else {
            throw Failure(line: spec.mark.line, reason: "a Location needs spec.target or spec.targets")
        }
        return targets
    }

    /// `spec.definition`: text, or a `$text`/`$json`/`$yaml` placeholder naming a file beside the entity.
    /// A placeholder naming a URL is not fetched (Homeport reads the repository only): the entity
    /// loads without its definition and the skipped URL is reported.
    private mutating func definition(_ node: YAMLNode?) throws(Failure) -> String? {
        guard let node else { return nil }
        if let text = node.string { return text }
        if let pairs = node.mapping, pairs.count == 1, let key = pairs[0].key.string,
            ["$text", "$json", "$yaml"].contains(key)
        {
            guard let target = pairs[0].value.string else {
                throw Failure(line: node.mark.line, reason: "spec.definition \(key) must name a file")
            }
            if target.contains("://") {
                problems.append(
                    LoadProblem(
                        file: file, line: pairs[0].value.mark.line,
                        reason:
                            "spec.definition \(key): remote definition \(target) is not fetched; the API is shown without it"
                    ))
                return nil
            }
            switch readPlaceholder(target) {
            case .success(let text): return text
            case .failure(let failure):
                throw Failure(line: pairs[0].value.mark.line, reason: "spec.definition \(key): \(failure.reason)")
            }
        }
        throw Failure(
            line: node.mark.line,
            reason: "spec.definition must be text or a $text placeholder, found a \(node.shapeName)")
    }

    // MARK: - Field readers

    private func requiredString(_ node: YAMLNode, _ key: String, in document: YAMLNode, prefix: String = "")
        throws(Failure) -> String
    {
        guard let value = node[key], !value.isNull else {
            throw Failure(line: node.mark.line, reason: "\(prefix)\(key) is required")
        }
        guard let text = value.string, !text.isEmpty else {
            throw Failure(line: value.mark.line, reason: "\(prefix)\(key) must be a string, found a \(value.shapeName)")
        }
        return text
    }

    private func optionalString(_ node: YAMLNode, _ key: String, prefix: String) throws(Failure) -> String? {
        guard let value = node[key], !value.isNull else { return nil }
        guard let text = value.string else {
            throw Failure(line: value.mark.line, reason: "\(prefix)\(key) must be a string, found a \(value.shapeName)")
        }
        return text
    }

    private func stringList(_ node: YAMLNode, _ key: String, prefix: String) throws(Failure) -> [(
        value: String, line: Int
    )] {
        guard let value = node[key], !value.isNull else { return [] }
        guard let items = value.sequence else {
            throw Failure(line: value.mark.line, reason: "\(prefix)\(key) must be a list, found a \(value.shapeName)")
        }
        var strings: [(String, Int)] = []
        for item in items {
            guard let text = item.string else {
                throw Failure(
                    line: item.mark.line, reason: "\(prefix)\(key) must hold strings, found a \(item.shapeName)")
            }
            strings.append((text, item.mark.line))
        }
        return strings
    }

    private func keyValues(_ metadata: YAMLNode, _ key: String) throws(Failure) -> [KeyValue] {
        guard let value = metadata[key], !value.isNull else { return [] }
        guard let pairs = value.mapping else {
            throw Failure(
                line: value.mark.line, reason: "metadata.\(key) must be a mapping, found a \(value.shapeName)")
        }
        // Reserved to size: grown by appending, the labels and annotations of 12,000 entities
        // held a megabyte of spare capacity for as long as the catalog lived.
        var result: [KeyValue] = []
        result.reserveCapacity(pairs.count)
        for pair in pairs {
            guard let name = pair.key.string, let text = pair.value.string ?? (pair.value.isNull ? "" : nil) else {
                throw Failure(line: pair.key.mark.line, reason: "metadata.\(key) must map strings to strings")
            }
            result.append(KeyValue(key: name, value: text))
        }
        return result
    }

    /// Links with a scheme other than http(s) or mailto are dropped and reported, so that no
    /// `javascript:` URL from a catalog file ever becomes a link on a page.
    private mutating func links(_ metadata: YAMLNode) throws(Failure) -> [EntityLink] {
        guard let value = metadata["links"], !value.isNull else { return [] }
        guard let items = value.sequence else {
            throw Failure(line: value.mark.line, reason: "metadata.links must be a list, found a \(value.shapeName)")
        }
        var links: [EntityLink] = []
        links.reserveCapacity(items.count)
        for item in items {
            guard let url = item["url"]?.string else {
                throw Failure(line: item.mark.line, reason: "every entry of metadata.links needs a url")
            }
            guard Markdown.isSafeURL(url) else {
                problems.append(
                    LoadProblem(
                        file: file, line: item.mark.line,
                        reason: "metadata.links: '\(url)' is not an http, https or mailto URL; the link is left out"))
                continue
            }
            links.append(EntityLink(url: url, title: item["title"]?.string, icon: item["icon"]?.string))
        }
        return links
    }
}
