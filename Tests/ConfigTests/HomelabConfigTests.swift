import Foundation
import Testing

@testable import Config

/// The keys of issue 12: the homelab's CA, scheduled backups, the data folder's file system, and
/// where an installed Homeport finds its resources.
@Suite("Configuration for the homelab: TLS, backups, data folder, resources")
struct HomelabConfigTests {
    @Test("defaults: no extra CA, backups off, network file systems refused")
    func defaults() throws {
        let config = try HomeportConfig.load(file: nil, environment: [:])
        #expect(config.tls.caFile.isEmpty)
        #expect(config.backup == HomeportConfig.Backup(dir: "", intervalHours: 24, keep: 7))
        #expect(!config.dataDirAllowNetworkFS)
    }

    @Test("file keys, relative paths resolved against the file's folder; fractional hours allowed")
    func fileKeys() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "homeport-config-\(UUID().uuidString)"
        ).path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try """
        data_dir: data
        data_dir_allow_network_fs: true
        tls:
          ca_file: homelab-ca.pem
        backup:
          dir: /mnt/backups/homeport
          interval_hours: 0.5
          keep: 3
        """.write(toFile: folder + "/homeport.yaml", atomically: true, encoding: .utf8)
        let config = try HomeportConfig.load(file: folder + "/homeport.yaml", environment: [:])
        #expect(config.tls.caFile == folder + "/homelab-ca.pem")
        #expect(config.backup == HomeportConfig.Backup(dir: "/mnt/backups/homeport", intervalHours: 0.5, keep: 3))
        #expect(config.dataDirAllowNetworkFS)
    }

    @Test("each key has the environment variable the deployment sets")
    func environment() throws {
        let config = try HomeportConfig.load(
            file: nil,
            environment: [
                "HOMEPORT_TLS_CA_FILE": "/etc/homeport/ca.crt",
                "HOMEPORT_BACKUP_DIR": "/backups",
                "HOMEPORT_BACKUP_INTERVAL_HOURS": "6",
                "HOMEPORT_BACKUP_KEEP": "14",
                "HOMEPORT_DATA_DIR_ALLOW_NETWORK_FS": "true",
            ])
        #expect(config.tls.caFile == "/etc/homeport/ca.crt")
        #expect(config.backup == HomeportConfig.Backup(dir: "/backups", intervalHours: 6, keep: 14))
        #expect(config.dataDirAllowNetworkFS)
    }

    @Test(
        "bad values name the variable, the key and the reason",
        arguments: [
            (
                "HOMEPORT_BACKUP_INTERVAL_HOURS", "0", "backup.interval_hours",
                "expected a number of hours above 0 (fractions allowed: 0.5 is 30 minutes), got '0'"
            ),
            (
                "HOMEPORT_BACKUP_INTERVAL_HOURS", "daily", "backup.interval_hours",
                "expected a number of hours above 0 (fractions allowed: 0.5 is 30 minutes), got 'daily'"
            ),
            ("HOMEPORT_BACKUP_KEEP", "0", "backup.keep", "expected a whole number from 1 to 10000, got '0'"),
            (
                "HOMEPORT_DATA_DIR_ALLOW_NETWORK_FS", "maybe", "data_dir_allow_network_fs",
                "expected true or false, got 'maybe'"
            ),
        ])
    func badValues(_ variable: String, _ value: String, _ key: String, _ reason: String) {
        #expect(throws: ConfigError(source: variable, key: key, reason: reason)) {
            try HomeportConfig.load(file: nil, environment: [variable: value])
        }
    }

    @Test(
        "resources: the working directory when it holds Templates, else <bin>/../share/homeport when that does",
        arguments: [
            (["/src/homeport/Templates", "/opt/homeport/share/homeport/Templates"], "."),
            (["/opt/homeport/share/homeport/Templates"], "/opt/homeport/share/homeport"),
            ([], "."),
        ])
    func resources(_ existing: [String], _ expected: String) {
        let found = ResourceLocation.resourcesDirectory(
            workingDirectory: "/src/homeport", executablePath: "/opt/homeport/bin/homeport"
        ) {
            existing.contains($0)
        }
        #expect(found == expected)
    }

    @Test("a configured resources_dir is kept; from a checkout the working directory is found")
    func configuredResources() throws {
        #expect(
            try HomeportConfig.load(file: nil, environment: ["HOMEPORT_RESOURCES_DIR": "/srv/homeport"]).resourcesDir
                == "/srv/homeport")
        // `swift test` runs in the checkout, whose "." holds Templates.
        #expect(try HomeportConfig.load(file: nil, environment: [:]).resourcesDir == ".")
    }
}
