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
    /// its output going to `commands.log` in `folder`; throws with that log's tail when it fails.
    ///
    /// posix_spawn rather than Foundation's Process: Process learns of the exit through a socket the child
    /// inherits, and `pg_ctl start` leaves the server holding it, so Process would wait for the server to stop.
    /// Here the child gets only stdin, stdout and stderr, and the exit is awaited with waitpid on its own thread.
    private static func run(_ command: [String], log folder: URL, asPostgres: Bool = true) async throws {
        let logPath = folder.appendingPathComponent("commands.log").path
        let argv = asPostgres && getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--"] + command : command
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Close every other descriptor in the child (glibc skips ones closed meanwhile).
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for descriptor in open.compactMap({ Int32($0) }) where descriptor > 2 {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
        let arguments = argv.map { strdup($0) } + [nil]
        defer { arguments.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, arguments, environ)
        guard spawned == 0 else { throw SetupError("cannot run \(argv[0]): error \(spawned)") }
        let child = pid
        let status = await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
            Thread.detachNewThread {
                var status: Int32 = 0
                while waitpid(child, &status, 0) == -1 && errno == EINTR {}
                continuation.resume(returning: status)
            }
        }
        guard status == 0 else {
            let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            throw SetupError("\(command.joined(separator: " ")) failed (wait status \(status)):\n\(log.suffix(2000))")
        }
    }
}
