import Foundation

// librdkafka blocks (flush, metadata, admin results, destroy) and calls back on threads it blocks.
// These two bridges keep blocking work off Swift's cooperative pool, and let a callback thread wait
// for async code.

/// Runs blocking `body` on a new thread and awaits its result, so no cooperative-pool thread blocks.
func onDedicatedThread<T: Sendable>(_ name: String, _ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: body()) }
        thread.name = name
        thread.start()
    }
}

/// Runs async `body` from a non-Swift thread (a librdkafka callback) and blocks that thread until it
/// ends. Never call this from a task: it would block a cooperative-pool thread.
func waitForAsync<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        box.value = await body()
        done.signal()
    }
    done.wait()
    return box.value!
}

private final class ResultBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T?
    var value: T? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}

/// A dedicated thread running a poll loop until asked to stop (librdkafka callbacks run on it).
final class PollThread: @unchecked Sendable {
    private let lock = NSLock()
    private var stopRequested = false
    private let exited = DispatchSemaphore(value: 0)

    var shouldStop: Bool { lock.withLock { stopRequested } }

    func requestStop() { lock.withLock { stopRequested = true } }

    func start(name: String, _ loop: @escaping @Sendable (PollThread) -> Void) {
        let thread = Thread { [self] in
            loop(self)
            exited.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Blocks until the loop has returned (any number of callers).
    func join() {
        exited.wait()
        exited.signal()
    }
}

/// Runs an async body once; later callers await the same run.
final class RunOnce: @unchecked Sendable {
    private let lock = NSLock()
    private var task: Task<Void, Never>?

    func run(_ body: @escaping @Sendable () async -> Void) async {
        let running = lock.withLock {
            if let task { return task }
            let started = Task { await body() }
            task = started
            return started
        }
        await running.value
    }
}
