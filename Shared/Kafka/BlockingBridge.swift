import Foundation
import Synchronization

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

private final class ResultBox<T: Sendable>: Sendable {
    private let stored = Mutex<T?>(nil)
    var value: T? {
        get { stored.withLock { $0 } }
        set { stored.withLock { $0 = newValue } }
    }
}

/// A dedicated thread running a poll loop until asked to stop (librdkafka callbacks run on it).
final class PollThread: Sendable {
    private let stopRequested = Mutex(false)
    private let exited = DispatchSemaphore(value: 0)

    var shouldStop: Bool { stopRequested.withLock { $0 } }

    func requestStop() { stopRequested.withLock { $0 = true } }

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
final class RunOnce: Sendable {
    private let task = Mutex<Task<Void, Never>?>(nil)

    func run(_ body: @escaping @Sendable () async -> Void) async {
        let running = task.withLock { task in
            if let task { return task }
            let started = Task { await body() }
            task = started
            return started
        }
        await running.value
    }
}
