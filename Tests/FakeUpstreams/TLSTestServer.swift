import Foundation

/// Certificates made with the `openssl` CLI at test time: a test CA, server certificates for
/// 127.0.0.1 signed by it (one valid for `days`), and a self-signed one.
public struct TestCertificates: Sendable {
    public let folder: String
    public var caBundle: String { folder + "/ca.pem" }

    public init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("homeport-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "ca.key",
            "-out", "ca.pem",
            "-days", "30", "-subj", "/O=Homeport Tests/CN=Homeport Test CA",
        ])
        try "subjectAltName=IP:127.0.0.1\n".write(toFile: folder + "/san.cnf", atomically: true, encoding: .utf8)
    }

    /// A key and certificate for 127.0.0.1 signed by the test CA, valid `days` from now; returns the name prefix.
    public func signed(_ name: String, days: Int) throws -> String {
        try openssl([
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "\(name).key",
            "-out", "\(name).csr",
            "-subj", "/CN=127.0.0.1",
        ])
        try openssl([
            "x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out",
            "\(name).pem",
            "-days", "\(days)", "-extfile", "san.cnf",
        ])
        return name
    }

    /// A self-signed key and certificate for 127.0.0.1.
    public func selfSigned(_ name: String) throws -> String {
        try openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
            "\(name).key", "-out", "\(name).pem",
            "-days", "30", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
        ])
        return name
    }

    private func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TLSTestServerError(reason: "openssl \(arguments.prefix(2).joined(separator: " ")) failed")
        }
    }
}

public struct TLSTestServerError: Error, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}

/// A program run in the background until it accepts connections on 127.0.0.1:`port`; stopped with
/// SIGKILL, since the test runner blocks SIGTERM and its children inherit that mask.
final class ListeningProcess: @unchecked Sendable {
    private let process: Process

    init(_ arguments: [String], in directory: String? = nil, port: Int) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        for _ in 0..<200 {
            let probe = LoopbackSocket(listenBacklog: nil)
            var address = LoopbackSocket.address(port: port)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(probe.descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            probe.close()
            if connected == 0 { return }
            usleep(20_000)
        }
        stop()
        throw TLSTestServerError(reason: "\(arguments.first ?? "the program") did not start on port \(port)")
    }

    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

/// A real TLS server on 127.0.0.1: `openssl s_server -WWW` serving `/health` (HTTP/1.0, one
/// connection at a time, as plenty of small appliances do).
public final class TLSTestServer: Sendable {
    public let port: Int
    private let process: ListeningProcess

    public init(certificates: TestCertificates, name: String) throws {
        let root = certificates.folder + "/www-\(name)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try "ok\n".write(toFile: root + "/health", atomically: true, encoding: .utf8)
        port = closedPort()
        process = try ListeningProcess(
            [
                "openssl", "s_server", "-quiet", "-WWW", "-accept", "127.0.0.1:\(port)",
                "-cert", certificates.folder + "/\(name).pem", "-key", certificates.folder + "/\(name).key",
            ],
            in: root, port: port)
    }

    public var url: String { "https://127.0.0.1:\(port)/health" }

    public func stop() {
        process.stop()
    }
}

/// The three TLS servers the checks are tried against: one signed by the test CA and valid for 30
/// days, one signed by it and expiring in 2 days, one self-signed.
public struct TLSTestServers: Sendable {
    public let certificates: TestCertificates
    public let valid: TLSTestServer
    public let expiringSoon: TLSTestServer
    public let selfSigned: TLSTestServer

    public init() throws {
        certificates = try TestCertificates()
        valid = try TLSTestServer(certificates: certificates, name: certificates.signed("valid", days: 30))
        expiringSoon = try TLSTestServer(certificates: certificates, name: certificates.signed("soon", days: 2))
        selfSigned = try TLSTestServer(certificates: certificates, name: certificates.selfSigned("self"))
    }

    public func stop() {
        for server in [valid, expiringSoon, selfSigned] { server.stop() }
    }
}

/// HTTPS in front of a plain HTTP fake (Gitea, Ollama): `socat` terminates TLS on 127.0.0.1 with
/// a certificate of `TestCertificates` and forwards each connection to `127.0.0.1:<plainPort>`,
/// as a homelab's ingress does for services behind it (`scripts/setup.sh test` installs socat).
public final class TLSTerminator: Sendable {
    public let port: Int
    private let process: ListeningProcess

    public init(certificates: TestCertificates, name: String, plainPort: Int) throws {
        port = closedPort()
        let pem = certificates.folder + "/\(name).pem"
        let key = certificates.folder + "/\(name).key"
        process = try ListeningProcess(
            [
                "socat", "OPENSSL-LISTEN:\(port),bind=127.0.0.1,reuseaddr,fork,verify=0,cert=\(pem),key=\(key)",
                "TCP:127.0.0.1:\(plainPort)",
            ], port: port)
    }

    /// `https://127.0.0.1:<port>`.
    public var url: String { "https://127.0.0.1:\(port)" }

    public func stop() {
        process.stop()
    }
}
