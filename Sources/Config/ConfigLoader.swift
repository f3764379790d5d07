import Foundation
import YAML

extension HomeportConfig {
    /// The environment variable naming the configuration file.
    public static let fileVariable = "HOMEPORT_CONFIG"
    /// The file read when neither `--config` nor `HOMEPORT_CONFIG` names one, if it exists.
    public static let defaultFile = "homeport.yaml"

    /// Defaults, then the configuration file, then `HOMEPORT_*` environment variables.
    ///
    /// Relative paths in the file are resolved against the file's folder; relative paths from the
    /// environment or the defaults against the working directory.
    public static func load(file explicitFile: String?, environment: [String: String]) throws(ConfigError) -> HomeportConfig {
        var config = HomeportConfig()
        let file = explicitFile ?? environment[fileVariable]
        if let file {
            try config.apply(fileAt: file, required: true)
        } else {
            try config.apply(fileAt: defaultFile, required: false)
        }
        try config.apply(environment: environment)
        return config
    }

    /// Applies `HOMEPORT_*` variables; an unknown one is an error, since it is most likely a typo.
    mutating func apply(environment: [String: String]) throws(ConfigError) {
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) where name.hasPrefix("HOMEPORT_") && name != Self.fileVariable {
            guard let setting = Setting.byVariable[name] else {
                throw ConfigError(source: name, key: "", reason: "unknown variable; the known ones are listed in docs/configuration.md")
            }
            do {
                try setting.apply(&self, value, nil)
            } catch {
                throw ConfigError(source: name, key: setting.path, reason: error.reason)
            }
        }
    }

    mutating func apply(fileAt path: String, required: Bool) throws(ConfigError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            if required { throw ConfigError(source: path, key: "", reason: "cannot read the configuration file") }
            return
        }
        let document: YAMLNode?
        do {
            document = try YAML.parse(String(decoding: data, as: UTF8.self))
        } catch {
            throw ConfigError(source: "\(path):\(error.line)", key: "", reason: error.reason)
        }
        guard let document, !document.isNull else { return }
        let baseDirectory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try apply(node: document, prefix: "", file: path, baseDirectory: baseDirectory)
    }

    private mutating func apply(node: YAMLNode, prefix: String, file: String, baseDirectory: String) throws(ConfigError) {
        guard let pairs = node.mapping else {
            throw ConfigError(source: "\(file):\(node.mark.line)", key: prefix, reason: "expected a mapping of keys, found a \(node.shapeName)")
        }
        for (keyNode, valueNode) in pairs {
            let name = keyNode.string ?? ""
            let path = prefix.isEmpty ? name : "\(prefix).\(name)"
            let source = "\(file):\(keyNode.mark.line)"
            if let setting = Setting.byPath[path] {
                guard let text = valueNode.string, valueNode.mapping == nil, valueNode.sequence == nil else {
                    throw ConfigError(source: source, key: path, reason: "expected a single value, found a \(valueNode.shapeName)")
                }
                do {
                    try setting.apply(&self, text, baseDirectory)
                } catch {
                    throw ConfigError(source: source, key: path, reason: error.reason)
                }
            } else if Setting.sections.contains(path) {
                try apply(node: valueNode, prefix: path, file: file, baseDirectory: baseDirectory)
            } else {
                throw ConfigError(source: source, key: path, reason: "unknown key")
            }
        }
    }
}

/// Why one value was refused.
struct SettingError: Error {
    var reason: String
}

/// One configuration key: its path, and how a text value is checked and stored.
struct Setting: Sendable {
    let path: String
    /// Stores the value; `baseDirectory` is set for values from a file, to resolve relative paths.
    let apply: @Sendable (inout HomeportConfig, String, String?) throws(SettingError) -> Void

    var variable: String {
        "HOMEPORT_" + path.uppercased().replacingOccurrences(of: ".", with: "_")
    }

    static let all: [Setting] = [
        text("server.host", \.server.host),
        Setting(path: "server.port") { config, value, _ throws(SettingError) in
            guard let port = Int(value), (1...65535).contains(port) else {
                throw SettingError(reason: "expected a port number from 1 to 65535, got '\(value)'")
            }
            config.server.port = port
        },
        path("data_dir", \.dataDir),
        path("resources_dir", \.resourcesDir),
        path("platform.root", \.platform.root),
        text("platform.catalog", \.platform.catalog),
        text("platform.adr_dir", \.platform.adrDir),
        text("platform.inventory", \.platform.inventory),
        text("platform.services", \.platform.services),
        text("platform.dashboards_dir", \.platform.dashboardsDir),
        text("platform.gitops_apps_dir", \.platform.gitopsAppsDir),
        Setting(path: "log.level") { config, value, _ throws(SettingError) in
            guard let level = HomeportConfig.LogLevel(rawValue: value.lowercased()) else {
                let known = HomeportConfig.LogLevel.allCases.map(\.rawValue).joined(separator: ", ")
                throw SettingError(reason: "expected one of \(known), got '\(value)'")
            }
            config.log.level = level
        },
    ]

    static let byPath = Dictionary(uniqueKeysWithValues: all.map { ($0.path, $0) })
    static let byVariable = Dictionary(uniqueKeysWithValues: all.map { ($0.variable, $0) })
    /// Every dotted prefix that groups keys (`server`, `platform`...).
    static let sections: Set<String> = Set(all.flatMap { setting in
        let parts = setting.path.split(separator: ".").dropLast()
        return parts.indices.map { parts[...$0].joined(separator: ".") }
    })

    private static func text(_ path: String, _ keyPath: WritableKeyPath<HomeportConfig, String> & Sendable) -> Setting {
        Setting(path: path) { config, value, _ throws(SettingError) in
            guard !value.trimmingCharacters(in: .whitespaces).isEmpty else { throw SettingError(reason: "must not be empty") }
            config[keyPath: keyPath] = value
        }
    }

    /// A filesystem path; relative paths in the configuration file are relative to that file.
    private static func path(_ path: String, _ keyPath: WritableKeyPath<HomeportConfig, String> & Sendable) -> Setting {
        Setting(path: path) { config, value, baseDirectory throws(SettingError) in
            guard !value.trimmingCharacters(in: .whitespaces).isEmpty else { throw SettingError(reason: "must not be empty") }
            if let baseDirectory, !value.hasPrefix("/") {
                config[keyPath: keyPath] = URL(fileURLWithPath: value, relativeTo: URL(fileURLWithPath: baseDirectory, isDirectory: true)).standardized.path
            } else {
                config[keyPath: keyPath] = value
            }
        }
    }
}
