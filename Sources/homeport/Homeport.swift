import ArgumentParser
import CMalloc
import Config
import Foundation
import Hummingbird
import Logging
import Platform
import Portal
import Store

@main
struct Homeport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "homeport",
        abstract: "A self-hosted developer portal for a homelab platform.",
        subcommands: [Serve.self, Check.self, Migrate.self, Backup.self, Lint.self],
        defaultSubcommand: Serve.self
    )

    /// ArgumentParser's own `main`, except that `homeport lint` ends a usage error with status 2,
    /// as linters do (CI tells "the manifests fail" (1) from "the call is wrong" (2)), not 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if CommandLine.arguments.dropFirst().first == "lint", exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// Options every subcommand shares.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "Configuration file (default: $HOMEPORT_CONFIG, else ./homeport.yaml if present).")
    var config: String?

    func load() throws -> HomeportConfig {
        do {
            return try HomeportConfig.load(file: config, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw ValidationError("configuration: \(error)")
        }
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the portal (the default).")

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        // One malloc heap per core and large blocks handed back when freed: the server's resident
        // memory stays near its live data (see hp_tune_for_serving and ADR 0005).
        hp_tune_for_serving(Int32(ProcessInfo.processInfo.activeProcessorCount))
        let config = try options.load()
        try config.checkDataDirectory()
        let logger = makeLogger(level: config.log.level)
        // buildApplication opens and migrates the database.
        let app = try await buildApplication(config: config, logger: logger)
        try await app.runService()
    }
}

struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load a platform repository and print every problem with file, line and reason; exit 1 if any."
    )

    @OptionGroup var options: ConfigOptions

    @Argument(help: "The platform repository to check (default: platform.root).")
    var platformRoot: String?

    @Flag(help: "Then print the heap each part of the loaded platform holds, in MiB (with glibc).")
    var memory = false

    func run() async throws {
        var config = try options.load()
        if let platformRoot { config.platform.root = platformRoot }
        let heapBefore = Int(hp_heap_in_use())
        let snapshot: PlatformSnapshot
        do {
            snapshot = try PlatformLoader(paths: config.platformPaths).load()
        } catch {
            print("\(config.platform.root): \(error.reason)")
            throw ExitCode(1)
        }
        for problem in snapshot.problems {
            print(problem)
        }
        let summary =
            "\(snapshot.catalog.entities.count) entities, \(snapshot.adrs.count) decision records, \(snapshot.problems.count) problems"
        let problemCount = snapshot.problems.count
        if memory {
            await printFootprint(of: consume snapshot, heapBefore: heapBefore)
        }
        guard problemCount == 0 else {
            FileHandle.standardError.write(Data("\(summary)\n".utf8))
            throw ExitCode(1)
        }
        print(summary)
    }

    /// One line per part, `MiB<TAB>part`, then the total and the heap before the load.
    private func printFootprint(of snapshot: consuming PlatformSnapshot, heapBefore: Int) async {
        guard heapBefore >= 0 else {
            print("memory: not measured (the C library is not glibc)")
            return
        }
        let parts = await PlatformSnapshot.footprint(of: consume snapshot) { Int(hp_heap_in_use()) }
        func mebibytes(_ bytes: Int) -> String { String(format: "%.2f", Double(bytes) / 1_048_576) }
        print("memory: heap each part of the snapshot held, freed part by part (MiB)")
        for part in parts {
            print("\(mebibytes(part.bytes))\t\(part.name)")
        }
        print("\(mebibytes(parts.reduce(0) { $0 + $1.bytes }))\tall parts")
        print("\(mebibytes(heapBefore))\theap in use before the load")
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations and exit.")

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let config = try options.load()
        try config.checkDataDirectory()
        let database = try HomeportDatabase(path: config.databasePath)
        let applied = try database.migrate(folder: config.resourcesDir + "/migrations")
        print(applied.isEmpty ? "database is up to date" : "applied \(applied.joined(separator: ", "))")
    }
}

struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the database to FILE while the server runs (SQLite's online backup), and check the copy."
    )

    @OptionGroup var options: ConfigOptions

    @Argument(help: "The new file to write; an existing file is never overwritten.")
    var file: String

    func run() async throws {
        let config = try options.load()
        let source = config.databasePath
        guard FileManager.default.fileExists(atPath: source) else {
            throw ValidationError("no database at \(source); nothing to back up")
        }
        do {
            try await HomeportDatabase(path: source).backup(to: file)
        } catch let error as BackupError {
            throw ValidationError(error.reason)
        }
        print("backed up \(source) to \(file); integrity check ok")
    }
}

extension HomeportConfig {
    /// Refuses a `data_dir` on a network file system unless `data_dir_allow_network_fs` (see `DataDirectory`).
    func checkDataDirectory() throws {
        do {
            try DataDirectory.check(dataDir, allowNetwork: dataDirAllowNetworkFS)
        } catch {
            throw ValidationError(error.reason)
        }
    }
}

func makeLogger(level: HomeportConfig.LogLevel) -> Logger {
    LoggingSystem.bootstrap(StreamLogHandler.standardError)
    var logger = Logger(label: "homeport")
    logger.logLevel = Logger.Level(rawValue: level.rawValue) ?? .info
    return logger
}
