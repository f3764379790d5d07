import Foundation

/// A Grafana dashboard export from `monitoring/dashboards/`.
public struct GrafanaDashboard: Sendable {
    public var uid: String
    public var title: String
    public var tags: [String]
    public var description: String?
    public var panelCount: Int
    public var file: String
}

enum DashboardLoader {
    private struct Export: Decodable {
        var uid: String?
        var title: String?
        var tags: [String]?
        var description: String?
        var panels: [Panel]?
        struct Panel: Decodable {}
    }

    static func load(folder: String, files: PlatformFiles, problems: inout [LoadProblem]) -> [GrafanaDashboard] {
        files.files(in: folder, extensions: ["json"], problems: &problems).compactMap { file in
            guard let bytes = files.read(file, problems: &problems) else { return nil }
            do {
                let export = try JSONDecoder().decode(Export.self, from: Data(bytes))
                guard let uid = export.uid, !uid.isEmpty, let title = export.title else {
                    problems.append(
                        LoadProblem(file: file, line: nil, reason: "a dashboard export needs a uid and a title"))
                    return nil
                }
                return GrafanaDashboard(
                    uid: uid, title: title, tags: export.tags ?? [], description: export.description,
                    panelCount: export.panels?.count ?? 0, file: file)
            } catch {
                problems.append(
                    LoadProblem(file: file, line: nil, reason: "not a Grafana dashboard export: \(describe(error))"))
                return nil
            }
        }
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context):
            return context.underlyingError.map { "\($0.localizedDescription)" } ?? context.debugDescription
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        default: return "\(error)"
        }
    }
}
