import Crdkafka
import Foundation
import Logging

/// Where librdkafka's callbacks report to. Set at creation, immutable, and kept alive by the client
/// for as long as the C handle exists (librdkafka only holds an unretained pointer to it).
final class RDKafkaEvents: Sendable {
    typealias Delivery = @Sendable (UnsafePointer<rd_kafka_message_t>) -> Void
    typealias Rebalance = @Sendable (
        OpaquePointer, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>
    ) -> Void

    let logger: Logger
    let delivery: Delivery?
    let rebalance: Rebalance?
    let fatal: (@Sendable (KafkaError) -> Void)?

    init(logger: Logger, delivery: Delivery? = nil, rebalance: Rebalance? = nil,
         fatal: (@Sendable (KafkaError) -> Void)? = nil) {
        self.logger = logger
        self.delivery = delivery
        self.rebalance = rebalance
        self.fatal = fatal
    }

    static func from(_ opaque: UnsafeMutableRawPointer?) -> RDKafkaEvents? {
        opaque.map { Unmanaged<RDKafkaEvents>.fromOpaque($0).takeUnretainedValue() }
    }
}

/// The one owner of a librdkafka handle (`rd_kafka_t`). Calls borrow the handle through `withHandle`;
/// `destroy()` waits until no call holds it, so a handle is never used after `rd_kafka_destroy`.
final class RDKafkaClient: @unchecked Sendable {
    private let condition = NSCondition()
    private var handle: OpaquePointer?  // guarded by `condition`
    private var consumerQueue: OpaquePointer?  // consumers only; released before the handle
    private var borrowers = 0
    let events: RDKafkaEvents

    private init(handle: OpaquePointer, events: RDKafkaEvents) {
        self.handle = handle
        self.events = events
    }

    /// Creates the handle from `properties` (applied in order). A consumer's main queue (logs, errors)
    /// is forwarded to its consumer queue, so `rd_kafka_consumer_poll` serves everything.
    static func make(
        _ type: rd_kafka_type_t, properties: [(String, String)], events: RDKafkaEvents
    ) throws(KafkaError) -> RDKafkaClient {
        guard let conf = rd_kafka_conf_new() else { throw KafkaError(.configuration, "rd_kafka_conf_new failed") }
        var confOwnedByUs = true
        defer { if confOwnedByUs { rd_kafka_conf_destroy(conf) } }

        var errstr = [CChar](repeating: 0, count: 512)
        for (key, value) in properties {
            if rd_kafka_conf_set(conf, key, value, &errstr, errstr.count) != RD_KAFKA_CONF_OK {
                throw KafkaError(.configuration, "librdkafka property \(key)=\(value): \(string(errstr))")
            }
        }
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(events).toOpaque())
        rd_kafka_conf_set_log_cb(conf, logCallback)
        rd_kafka_conf_set_error_cb(conf, errorCallback)
        if events.delivery != nil { rd_kafka_conf_set_dr_msg_cb(conf, deliveryCallback) }
        if events.rebalance != nil { rd_kafka_conf_set_rebalance_cb(conf, rebalanceCallback) }

        guard let rk = rd_kafka_new(type, conf, &errstr, errstr.count) else {
            throw KafkaError(.configuration, "rd_kafka_new: \(string(errstr))")
        }
        confOwnedByUs = false  // rd_kafka_new took it
        let client = RDKafkaClient(handle: rk, events: events)  // deinit destroys from here on
        rd_kafka_set_log_queue(rk, nil)  // logs to the main queue, served by our poll loops
        if type == RD_KAFKA_CONSUMER {
            let err = rd_kafka_poll_set_consumer(rk)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError(rdkafka: err, "rd_kafka_poll_set_consumer")
            }
            client.consumerQueue = rd_kafka_queue_get_consumer(rk)
        }
        return client
    }

    /// Runs `body` with the handle; throws `.closed` once `destroy()` has begun.
    func withHandle<T>(_ body: (OpaquePointer) throws(KafkaError) -> T) throws(KafkaError) -> T {
        condition.lock()
        guard let rk = handle else {
            condition.unlock()
            throw KafkaError(.closed, "the Kafka client has been shut down")
        }
        borrowers += 1
        condition.unlock()
        defer {
            condition.lock()
            borrowers -= 1
            if borrowers == 0 { condition.broadcast() }
            condition.unlock()
        }
        return try body(rk)
    }

    /// Makes a blocked `rd_kafka_consumer_poll` return early (no-op for producers or after destroy).
    func wakeConsumer() {
        condition.lock()
        defer { condition.unlock() }
        if handle != nil, let consumerQueue { rd_kafka_queue_yield(consumerQueue) }
    }

    /// Emits queued log lines of a handle nobody polls (admin calls).
    func serveLogs() {
        _ = try? withHandle { rk in rd_kafka_poll(rk, 0) }
    }

    /// Blocks until no call borrows the handle, then destroys it. Never call from inside `withHandle`
    /// or a librdkafka callback. Idempotent.
    func destroy() {
        condition.lock()
        guard let rk = handle else {
            condition.unlock()
            return
        }
        handle = nil
        while borrowers > 0 { condition.wait() }
        let queue = consumerQueue
        consumerQueue = nil
        condition.unlock()
        if let queue { rd_kafka_queue_destroy(queue) }
        rd_kafka_destroy(rk)
    }

    deinit {
        if let consumerQueue { rd_kafka_queue_destroy(consumerQueue) }
        if let handle { rd_kafka_destroy(handle) }
    }
}

// MARK: - C callbacks (no captures: they find their RDKafkaEvents through the opaque pointer)

private let logCallback: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Void = {
    rk, level, facility, line in
    guard let rk, let events = RDKafkaEvents.from(rd_kafka_opaque(rk)), let line else { return }
    let swiftLevel: Logger.Level =
        switch level {
        case ...2: .critical
        case 3: .error
        case 4: .warning
        case 5: .notice
        case 6: .info
        default: .debug
        }
    events.logger.log(
        level: swiftLevel, "\(String(cString: line))",
        metadata: ["kafka.facility": "\(facility.map { String(cString: $0) } ?? "")"], source: "librdkafka")
}

private let errorCallback: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Void = {
    rk, err, reason, opaque in
    guard let rk, let events = RDKafkaEvents.from(opaque) else { return }
    let reasonText = reason.map { String(cString: $0) } ?? ""
    if rd_kafka_resp_err_t(err) == RD_KAFKA_RESP_ERR__FATAL {
        var errstr = [CChar](repeating: 0, count: 512)
        let fatal = rd_kafka_fatal_error(rk, &errstr, errstr.count)
        let error = KafkaError(.fatal, "fatal librdkafka error \(String(cString: rd_kafka_err2name(fatal))): "
            + string(errstr))
        events.logger.critical("\(error.message)")
        events.fatal?(error)
    } else {
        // Transient: librdkafka retries by itself (e.g. a broker connection refused).
        events.logger.warning(
            "librdkafka: \(reasonText)",
            metadata: ["kafka.error": "\(String(cString: rd_kafka_err2name(rd_kafka_resp_err_t(err))))"])
    }
}

private let deliveryCallback: @convention(c) (OpaquePointer?, UnsafePointer<rd_kafka_message_t>?, UnsafeMutableRawPointer?) -> Void = {
    _, message, opaque in
    guard let message, let events = RDKafkaEvents.from(opaque) else { return }
    events.delivery?(message)
}

private let rebalanceCallback: @convention(c) (
    OpaquePointer?, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, UnsafeMutableRawPointer?
) -> Void = { rk, err, partitions, opaque in
    guard let rk, let partitions, let events = RDKafkaEvents.from(opaque) else { return }
    events.rebalance?(rk, err, partitions)
}
