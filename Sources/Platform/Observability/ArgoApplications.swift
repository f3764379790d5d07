import YAML

/// An Argo CD `Application` declared in the GitOps folder.
public struct ArgoApplication: Sendable {
    public var name: String
    public var project: String
    /// Git repository and path, or Helm repository and chart.
    public var source: String
    public var targetRevision: String?
    public var destinationNamespace: String?
    public var automated: Bool
    public var file: String
}

enum ArgoApplicationLoader {
    /// Applications in the top of the folder; other kinds (the manifests the apps deploy) are skipped.
    static func load(folder: String, files: PlatformFiles, problems: inout [LoadProblem]) -> [ArgoApplication] {
        var applications: [ArgoApplication] = []
        for file in files.files(in: folder, extensions: ["yaml", "yml"], problems: &problems) {
            guard let bytes = files.read(file, problems: &problems) else { continue }
            let documents: [YAMLNode]
            do {
                documents = try YAML.parseDocuments(bytes: bytes)
            } catch {
                problems.append(LoadProblem(file: file, line: error.line, column: error.column, reason: error.reason))
                continue
            }
            for document in documents where document["kind"]?.string == "Application" {
                guard let name = document["metadata"]?["name"]?.string else {
                    problems.append(
                        LoadProblem(file: file, line: document.mark.line, reason: "Application without metadata.name"))
                    continue
                }
                let spec = document["spec"]
                let source = spec?["source"] ?? spec?["sources"]?.sequence?.first
                let location: String
                if let chart = source?["chart"]?.string {
                    location = "\(source?["repoURL"]?.string ?? "") chart \(chart)"
                } else {
                    location = [source?["repoURL"]?.string, source?["path"]?.string].compactMap { $0 }.joined(
                        separator: " ")
                }
                applications.append(
                    ArgoApplication(
                        name: name,
                        project: spec?["project"]?.string ?? "default",
                        source: location,
                        targetRevision: source?["targetRevision"]?.string,
                        destinationNamespace: spec?["destination"]?["namespace"]?.string,
                        automated: spec?["syncPolicy"]?["automated"] != nil,
                        file: file
                    ))
            }
        }
        return applications.sorted { $0.name < $1.name }
    }
}
