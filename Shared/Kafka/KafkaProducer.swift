import Crdkafka
import Logging

/// An idempotent producer (`enable.idempotence=true`, `acks=all`): per partition, messages are written
/// once and in the order they were enqueued. A dedicated thread serves delivery reports.
///
/// Defaults (override in `KafkaConfig.extra`): `linger.ms=5`; `message.timeout.ms=10000`, so a send to an
/// unreachable broker, or to a topic that does not exist, fails with a retriable `.timedOut` error after
/// about 10 s instead of hanging; `allow.auto.create.topics=false` (Tansu would otherwise create a
/// misspelt topic on first produce).
public final class KafkaProducer: Sendable {
    private let client: RDKafkaClient
    private let tracker: DeliveryTracker
    private let poller: PollThread
    private let shutdownOnce = RunOnce()
    private let logger: Logger

    private init(client: RDKafkaClient, tracker: DeliveryTracker, poller: PollThread, logger: Logger) {
        self.client = client
        self.tracker = tracker
        self.poller = poller
        self.logger = logger
    }

    static let defaults: [(String, String)] = [
        ("enable.idempotence", "true"),
        ("acks", "all"),
        ("linger.ms", "5"),
        ("message.timeout.ms", "10000"),
        // Topics are created deliberately (KafkaAdmin); a misspelt topic must fail, not appear.
        ("allow.auto.create.topics", "false"),
    ]

    public static func make(config: KafkaConfig, logger: Logger) throws(KafkaError) -> KafkaProducer {
        try LibrdkafkaVersion.check()
        let tracker = DeliveryTracker()
        let brokers = config.bootstrapServers
        let events = RDKafkaEvents(
            logger: logger,
            delivery: { pointer in
                let message = pointer.pointee
                let id = UInt(bitPattern: message._private)
                let topic = String(cString: rd_kafka_topic_name(message.rkt))
                if message.err == RD_KAFKA_RESP_ERR_NO_ERROR {
                    tracker.complete(
                        id, .success(KafkaDeliveryReport(topic: topic, partition: message.partition, offset: message.offset)))
                } else {
                    var error = KafkaError(rdkafka: message.err, "delivering a message to topic \(topic) via \(brokers)")
                    if message.err == RD_KAFKA_RESP_ERR__MSG_TIMED_OUT {
                        error.message += "; is the broker reachable, and does the topic exist?"
                    }
                    tracker.complete(id, .failure(error))
                }
            },
            fatal: { error in tracker.refuse(error) })
        let client = try RDKafkaClient.make(
            RD_KAFKA_PRODUCER, properties: config.properties(roleDefaults: defaults), events: events)
        let poller = PollThread()
        poller.start(name: "wangqian-kafka-producer") { poller in
            while !poller.shouldStop {
                do { try client.withHandle { rk in _ = rd_kafka_poll(rk, 100) } } catch { break }
            }
        }
        return KafkaProducer(client: client, tracker: tracker, poller: poller, logger: logger)
    }

    deinit {
        poller.requestStop()  // the thread then releases the handle, which destroys it
    }

    /// Sends one message and waits for the broker to acknowledge it.
    public func send(_ message: KafkaOutgoingMessage) async throws(KafkaError) -> KafkaDeliveryReport {
        try await sendAll([message])[0]
    }

    /// Enqueues all messages in order, then waits for every delivery report. If one cannot be enqueued,
    /// the rest are not enqueued (keeping per-key order) and the first failure, in message order, is thrown.
    /// Cancelling the task stops enqueueing; messages already enqueued are still awaited.
    public func sendAll(_ messages: [KafkaOutgoingMessage]) async throws(KafkaError) -> [KafkaDeliveryReport] {
        let batch = DeliveryBatch(count: messages.count)
        var enqueueFailure: KafkaError?
        var enqueued = 0
        for (index, message) in messages.enumerated() {
            do throws(KafkaError) {
                try await enqueue(message, batch: batch, index: index)
                enqueued += 1
            } catch {
                enqueueFailure = error
                break
            }
        }
        batch.seal(count: enqueued)
        let outcomes = await batch.outcomes()
        var reports: [KafkaDeliveryReport] = []
        reports.reserveCapacity(enqueued)
        for outcome in outcomes.prefix(enqueued) {
            switch outcome {
            case .success(let report): reports.append(report)
            case .failure(let error): throw error
            case nil: throw KafkaError(.other, "internal: a delivery report is missing")
            }
        }
        if let enqueueFailure { throw enqueueFailure }
        return reports
    }

    /// Waits until every enqueued message has a delivery report; `.timedOut` if some still have none.
    public func flush(timeout: Duration) async throws(KafkaError) {
        let client = self.client
        let result: Result<Void, KafkaError> = await onDedicatedThread("wangqian-kafka-flush") {
            do throws(KafkaError) {
                let err = try client.withHandle { rk in rd_kafka_flush(rk, timeout.milliseconds) }
                guard err != RD_KAFKA_RESP_ERR_NO_ERROR else { return .success(()) }
                let left = (try? client.withHandle { rk in rd_kafka_outq_len(rk) }) ?? 0
                return .failure(
                    KafkaError(.timedOut, "flush: \(left) messages still undelivered after \(timeout)", isRetriable: true))
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }

    /// Stops accepting messages, waits up to 5 s for outstanding deliveries, fails the rest with `.closed`,
    /// and destroys the handle. Idempotent: later calls wait for the first one.
    public func shutdown() async {
        let (client, tracker, poller, logger) = (self.client, self.tracker, self.poller, self.logger)
        await shutdownOnce.run {
            tracker.refuse(KafkaError(.closed, "the producer has been shut down"))
            await onDedicatedThread("wangqian-kafka-producer-shutdown") {
                let flushed = (try? client.withHandle { rk in rd_kafka_flush(rk, 5000) }) ?? RD_KAFKA_RESP_ERR_NO_ERROR
                if flushed != RD_KAFKA_RESP_ERR_NO_ERROR {
                    logger.warning("Kafka producer shutdown: purging messages not delivered within 5 s")
                    _ = try? client.withHandle { rk in
                        rd_kafka_purge(rk, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT))
                    }
                }
                poller.requestStop()
                poller.join()
                _ = try? client.withHandle { rk in rd_kafka_poll(rk, 0) }  // serve the purge reports
                tracker.failAll(KafkaError(.closed, "the producer was shut down before this message was delivered"))
                client.destroy()
            }
        }
    }

    private func enqueue(_ message: KafkaOutgoingMessage, batch: DeliveryBatch, index: Int) async throws(KafkaError) {
        while true {
            let id = try tracker.register(batch, index: index)
            let outcome: ProduceOutcome
            do throws(KafkaError) {
                outcome = try client.withHandle { rk in Self.produce(rk, message, opaque: id) }
            } catch {
                tracker.forget(id)
                throw error
            }
            switch outcome {
            case .enqueued:
                return
            case .failed(let error):
                tracker.forget(id)
                throw error
            case .queueFull:
                // librdkafka's local queue is full: wait for deliveries to make room (backpressure).
                tracker.forget(id)
                do {
                    try await Task.sleep(for: .milliseconds(5))
                } catch {
                    throw KafkaError(.cancelled, "cancelled while waiting for room in the producer queue")
                }
            }
        }
    }

    private enum ProduceOutcome {
        case enqueued, queueFull
        case failed(KafkaError)
    }

    private static func produce(_ rk: OpaquePointer, _ message: KafkaOutgoingMessage, opaque id: UInt) -> ProduceOutcome {
        var headers: OpaquePointer?
        if !message.headers.isEmpty {
            headers = rd_kafka_headers_new(message.headers.count)
            for header in message.headers {
                _ = header.value.withUnsafeBytes { value in
                    rd_kafka_header_add(headers, header.key, -1, value.baseAddress, value.count)
                }
            }
        }
        let error: OpaquePointer? = message.topic.withCString { topic in
            message.value.withUnsafeBytes { value in
                withBytes(message.key) { key in
                    var fields: [rd_kafka_vu_t] = []
                    func add(_ type: rd_kafka_vtype_t, _ set: (inout rd_kafka_vu_t) -> Void) {
                        var field = rd_kafka_vu_t()
                        field.vtype = type
                        set(&field)
                        fields.append(field)
                    }
                    add(RD_KAFKA_VTYPE_TOPIC) { $0.u.cstr = topic }
                    add(RD_KAFKA_VTYPE_PARTITION) { $0.u.i32 = message.partition ?? -1 }  // -1: partitioner
                    add(RD_KAFKA_VTYPE_MSGFLAGS) { $0.u.i = RD_KAFKA_MSG_F_COPY }
                    add(RD_KAFKA_VTYPE_VALUE) { $0.u.mem = .init(ptr: UnsafeMutableRawPointer(mutating: value.baseAddress), size: value.count) }
                    if let key {
                        add(RD_KAFKA_VTYPE_KEY) { $0.u.mem = .init(ptr: UnsafeMutableRawPointer(mutating: key.baseAddress), size: key.count) }
                    }
                    if let headers { add(RD_KAFKA_VTYPE_HEADERS) { $0.u.headers = headers } }
                    add(RD_KAFKA_VTYPE_OPAQUE) { $0.u.ptr = UnsafeMutableRawPointer(bitPattern: id) }
                    return rd_kafka_produceva(rk, fields, fields.count)
                }
            }
        }
        guard let error else { return .enqueued }  // librdkafka now owns the headers
        defer { rd_kafka_error_destroy(error) }
        if let headers { rd_kafka_headers_destroy(headers) }
        let code = rd_kafka_error_code(error)
        if code == RD_KAFKA_RESP_ERR__QUEUE_FULL { return .queueFull }
        return .failed(
            KafkaError(rdkafka: code, "enqueueing a message for topic \(message.topic)",
                       detail: String(cString: rd_kafka_error_string(error))))
    }
}

/// Calls `body` with the bytes of `array`, or with nil when there is no array.
private func withBytes<R>(_ array: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
    guard let array else { return body(nil) }
    return array.withUnsafeBytes { body($0) }
}
