import Foundation
import Markdown
import Platform
import SiteURL

/// The relation graph on an entity's page, laid out on the server as inline SVG: the entity in
/// the middle, its direct relations on an inner ring and theirs on an outer ring (a system: its
/// parts on the ring and the relations between them). Capped so that it stays readable, with
/// the rest counted as "+N more"; the same relations come as a list of links for screen readers
/// (the drawing itself is hidden from them).
struct RelationGraphModel: Sendable {
    struct Row: Sendable {
        var from: EntityLinkModel
        var relation: String
        var to: EntityLinkModel
    }

    struct LegendEntry: Sendable {
        var kind: String
        var className: String
    }

    /// The SVG, every text in it escaped here, for triple braces.
    var svg: String
    var rows: [Row]
    var legend: [LegendEntry]
    /// How many relations the caps left out of the drawing ("12 more not drawn"), if any.
    var moreNote: String?
    var caption: String

    /// Most nodes on the inner ring, children drawn per inner node, and nodes in all.
    static let innerLimit = 12
    static let childLimit = 3
    static let nodeLimit = 30
    /// Parts of a system drawn on its ring.
    static let systemLimit = 40

    private struct Node {
        var ref: EntityRef
        var ring: Int
    }

    private struct Edge {
        var from: Int
        var to: Int
    }

    /// nil when the entity has no relation to draw.
    init?(entity: Entity, catalog: Catalog) {
        var nodes = [Node(ref: entity.ref, ring: 0)]
        var position: [EntityRef: Int] = [entity.ref: 0]
        var edges: [Edge] = []
        var rows: [Row] = []
        var more = 0
        func add(_ relation: Relation, from: Int, ring: Int) -> Bool {
            guard relation.targetExists else { return false }
            if let existing = position[relation.target] {
                // A relation between two drawn nodes is drawn once, in either direction.
                if from == 0 || existing == 0 {
                    rows.append(Self.row(nodes[from].ref, relation, catalog))
                } else if existing != from,
                    !edges.contains(where: {
                        ($0.from, $0.to) == (from, existing) || ($0.from, $0.to) == (existing, from)
                    })
                {
                    edges.append(Edge(from: from, to: existing))
                    rows.append(Self.row(nodes[from].ref, relation, catalog))
                }
                return false
            }
            position[relation.target] = nodes.count
            edges.append(Edge(from: from, to: nodes.count))
            nodes.append(Node(ref: relation.target, ring: ring))
            rows.append(Self.row(nodes[from].ref, relation, catalog))
            return true
        }
        let direct = catalog.relations(of: entity.ref)
        if entity.ref.kind == EntityKind.system.rawValue {
            // A system: its parts on the ring, then how they relate to each other.
            var parts = 0
            for relation in direct {
                if relation.type == .hasPart, parts >= Self.systemLimit {
                    more += 1
                    continue
                }
                if add(relation, from: 0, ring: 1), relation.type == .hasPart { parts += 1 }
            }
            let drawn = nodes.count
            for index in 1..<max(1, drawn) {
                for relation in catalog.relations(of: nodes[index].ref)
                where position[relation.target].map({ $0 > index }) == true {
                    _ = add(relation, from: index, ring: 1)
                }
            }
            caption = "\(entity.displayName), its parts and how they relate"
        } else {
            var inner: [Int] = []
            for relation in direct {
                guard inner.count < Self.innerLimit || position[relation.target] != nil else {
                    more += 1
                    continue
                }
                if add(relation, from: 0, ring: 1) { inner.append(nodes.count - 1) }
            }
            for parent in inner {
                var children = 0
                for relation in catalog.relations(of: nodes[parent].ref) where relation.target != entity.ref {
                    if position[relation.target] != nil {
                        _ = add(relation, from: parent, ring: 2)
                        continue
                    }
                    guard children < Self.childLimit, nodes.count < Self.nodeLimit, relation.targetExists else {
                        if relation.targetExists { more += 1 }
                        continue
                    }
                    if add(relation, from: parent, ring: 2) { children += 1 }
                }
            }
            caption = "\(entity.displayName), its relations and theirs"
        }
        guard nodes.count > 1 else { return nil }
        self.rows = rows
        moreNote = more > 0 ? "\(more) more not drawn" : nil
        let kinds = Set(nodes.map { Self.kindClass($0.ref.kind) })
        legend = ["component", "api", "system", "domain", "resource", "group", "user", "other"].compactMap { kind in
            kinds.contains("g-" + kind)
                ? LegendEntry(kind: EntityKind(rawValue: kind)?.displayName ?? "Other", className: "g-" + kind) : nil
        }
        svg = Self.draw(nodes: nodes, edges: edges, more: more, catalog: catalog)
    }

    private static func row(_ from: EntityRef, _ relation: Relation, _ catalog: Catalog) -> Row {
        Row(
            from: EntityLinkModel(from, in: catalog), relation: relation.type.label.lowercased(),
            to: EntityLinkModel(relation.target, in: catalog))
    }

    private static func kindClass(_ kind: String) -> String {
        EntityKind(rawValue: kind).map { $0 == .location ? "g-other" : "g-" + $0.rawValue } ?? "g-other"
    }

    private static func draw(nodes: [Node], edges: [Edge], more: Int, catalog: Catalog) -> String {
        let rings = Dictionary(grouping: nodes.indices.filter { nodes[$0].ring > 0 }) { nodes[$0].ring }
        let radii = [0.0, rings[2] == nil ? 190.0 : 150.0, 290.0]
        let outer = radii[rings.keys.max() ?? 0]
        let width = 1000.0
        let height = 2 * outer + (more > 0 ? 110 : 80)
        let center = (x: width / 2, y: outer + 40)
        var point = [(x: Double, y: Double, angle: Double)](repeating: (center.x, center.y, 0), count: nodes.count)
        for (ring, members) in rings {
            for (order, index) in members.enumerated() {
                // Start at the top, go clockwise; a half step so that two nodes do not sit on the vertical.
                let angle = -Double.pi / 2 + 2 * Double.pi * (Double(order) + 0.5) / Double(members.count)
                point[index] = (center.x + radii[ring] * cos(angle), center.y + radii[ring] * sin(angle), angle)
            }
        }
        func number(_ value: Double) -> String { String(format: "%.1f", value) }
        var svg =
            "<svg class=\"relation-graph\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" aria-hidden=\"true\" focusable=\"false\">"
        for edge in edges {
            let (a, b) = (point[edge.from], point[edge.to])
            svg +=
                "<line class=\"g-edge\" x1=\"\(number(a.x))\" y1=\"\(number(a.y))\" x2=\"\(number(b.x))\" y2=\"\(number(b.y))\"/>"
        }
        for (index, node) in nodes.enumerated() {
            let p = point[index]
            let entity = catalog[node.ref]
            let label = escape(truncate(entity?.displayName ?? node.ref.name))
            let kind = kindClass(node.ref.kind)
            if index == 0 {
                svg +=
                    "<g class=\"g-node g-center \(kind)\"><circle cx=\"\(number(p.x))\" cy=\"\(number(p.y))\" r=\"12\"/>"
                svg += "<text x=\"\(number(p.x))\" y=\"\(number(p.y + 32))\" text-anchor=\"middle\">\(label)</text></g>"
                continue
            }
            let right = cos(p.angle) >= -0.01
            let labelX = p.x + (right ? 12 : -12)
            svg +=
                "<a href=\"\(escape(SiteURL.entity(node.ref.site).path))\" tabindex=\"-1\"><g class=\"g-node \(kind)\">"
            svg += "<circle cx=\"\(number(p.x))\" cy=\"\(number(p.y))\" r=\"8\"/>"
            svg +=
                "<text x=\"\(number(labelX))\" y=\"\(number(p.y + 5))\" text-anchor=\"\(right ? "start" : "end")\">\(label)</text>"
            svg += "</g></a>"
        }
        if more > 0 {
            svg +=
                "<text class=\"g-more\" x=\"\(number(center.x))\" y=\"\(number(height - 16))\" text-anchor=\"middle\">+\(more) more</text>"
        }
        return svg + "</svg>"
    }

    private static func truncate(_ text: String) -> String {
        text.count > 24 ? String(text.prefix(23)) + "…" : text
    }

    private static func escape(_ text: String) -> String {
        Markdown.escapeHTML(text)
    }
}
