import Foundation
import Testing

@testable import WangqianPostgres

/// A throwaway PostgreSQL cluster of the test's own (initdb into a temporary folder, its own port, trust
/// authentication), for tests that must restart the server without disturbing the machine's shared one.
struct PrivatePostgresServer: Sendable {
    static let binaries = "/usr/lib/postgresql/15/bin"

    let folder: URL
    let port: Int
    var dataDirectory: String { folder.appendingPathComponent("data").path }

    /// Connects as the cluster's superuser to its `postgres` database.
    var config: PostgresConfig {
        var config = PostgresConfig(database: "postgres")
        config.port = port
        config.user = "postgres"
        config.password = ""
        config.applicationName = "wangqian-tests-private"
        return config
    }

    /// Starts a server, runs `body`, then stops the server and deletes its folder, whatever `body` does.
    static func withServer<T: Sendable>(_ body: (PrivatePostgresServer) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(TestDatabase.unique("wangqian-pg"))
        let data = folder.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        do {
            try await run(["/bin/chown", "postgres:postgres", data.path], log: folder, asPostgres: false)
            try await run(
                ["\(binaries)/initdb", "-D", data.path, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C",
                 "--no-sync", "--no-instructions"],
                log: folder)
            let server = try await start(folder: folder)
            do {
                let value = try await body(server)
                await server.stop()
                return value
            } catch {
                await server.stop()
                throw error
            }
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
    }

    /// Tries a few random ports: a port taken by someone else makes pg_ctl fail.
    private static func start(folder: URL) async throws -> PrivatePostgresServer {
        var lastError: (any Error)?
        for _ in 0..<5 {
            let server = PrivatePostgresServer(folder: folder, port: Int.random(in: 55432...60999))
            do {
                try await server.pgCtl([
                    "-l", "\(server.dataDirectory)/server.log",
                    "-o", "-p \(server.port) -c listen_addresses=127.0.0.1 -c unix_socket_directories=\(server.dataDirectory) -c fsync=off",
                    "start",
                ])
                return server
            } catch {
                lastError = error
            }
        }
        throw lastError ?? SetupError("private PostgreSQL did not start")
    }

    /// `pg_ctl restart -m fast`: sessions are terminated, the server is back when this returns.
    func restart() async throws {
        try await pgCtl(["-m", "fast", "restart"])
    }

    func stop() async {
        try? await pgCtl(["-m", "immediate", "stop"])
        try? FileManager.default.removeItem(at: folder)
    }

    private func pgCtl(_ arguments: [String]) async throws {
        try await Self.run(["\(Self.binaries)/pg_ctl", "-D", dataDirectory, "-w", "-t", "30"] + arguments, log: folder)
    }

    /// Runs a command (as the postgres user when we are root, since PostgreSQL refuses to run as root),
    /// its output going to `commands.log` in `log`; throws with that log's tail when it fails.
    private static func run(_ command: [String], log folder: URL, asPostgres: Bool = true) async throws {
        let logFile = folder.appendingPathComponent("commands.log")
        if !FileManager.default.fileExists(atPath: logFile.path) {
            _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        }
        let output = try FileHandle(forWritingTo: logFile)
        defer { try? output.close() }
        try output.seekToEnd()
        let process = Process()
        if asPostgres && getuid() == 0 {
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
            process.arguments = ["-u", "postgres", "--"] + command
        } else {
            process.executableURL = URL(fileURLWithPath: command[0])
            process.arguments = Array(command.dropFirst())
        }
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        let status = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int32, any Error>) in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                continuation.resume(throwing: error)
            }
        }
        guard status == 0 else {
            let log = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
            throw SetupError("\(command.joined(separator: " ")) exited with \(status):\n\(log.suffix(2000))")
        }
    }
}
