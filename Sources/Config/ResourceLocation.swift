import Foundation

/// Where `Templates/`, `Public/` and `migrations/` are when `resources_dir` is not configured.
///
/// From a checkout they are in the working directory; an installed Homeport (a package or the
/// container image: `/usr/local/bin/homeport`) finds them beside its executable, in
/// `<bin>/../share/homeport`, as Unix programs keep their data.
public enum ResourceLocation {
    /// The working directory when it holds `Templates/`, else `<executable's folder>/../share/homeport`
    /// when that does; else the working directory, so that the error names `./Templates`.
    public static func resourcesDirectory(
        workingDirectory: String, executablePath: String?, fileExists: (String) -> Bool = directoryExists
    ) -> String {
        if fileExists(workingDirectory + "/Templates") { return "." }
        guard let executablePath else { return "." }
        let installed = URL(fileURLWithPath: executablePath).deletingLastPathComponent()
            .appendingPathComponent("../share/homeport").standardizedFileURL.path
        return fileExists(installed + "/Templates") ? installed : "."
    }

    /// The running executable with symbolic links resolved (`/usr/local/bin/homeport` may link to
    /// `/opt/homeport/bin/homeport`, whose `share` is the one that counts).
    public static var executablePath: String? {
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return target }
        return CommandLine.arguments.first.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path }
    }

    public static func directoryExists(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
