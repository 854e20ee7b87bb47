import Foundation
import Testing
@testable import WangqianKafka

@Suite("produce and consume against the broker")
struct ProduceConsumeTests {
    @Test func chineseKeysValuesAndHeadersRoundTrip() async throws {
        let topic = try await freshTopic("roundtrip", partitions: 1)
        let producer = try KafkaProducer.make(config: brokerConfig, logger: testLogger)
        let sent = [
            KafkaOutgoingMessage(
                topic: topic, key: "学号2026001", value: "张三与北京望前科技有限公司签约",
                headers: [KafkaHeader(key: "来源", string: "学生服务"), KafkaHeader(key: "bytes", value: [0, 255, 7])]),
            KafkaOutgoingMessage(topic: topic, key: "学号2026002", value: "李四：待审核"),
        ]
        let reports = try await producer.sendAll(sent)
        #expect(reports.map(\.offset) == [0, 1])
        #expect(reports.allSatisfy { $0.topic == topic && $0.partition == 0 })
        let third = try await producer.send(
            KafkaOutgoingMessage(topic: topic, key: nil, value: Array("无键".utf8), headers: [KafkaHeader(key: "空", value: [])]))
        #expect(third.offset == 2)
        try await producer.flush(timeout: .seconds(5))

        let consumer = try KafkaConsumer.assign(
            [KafkaTopicPartitionOffset(topic: topic, partition: 0, offset: KafkaOffset.beginning)],
            config: brokerConfig, logger: testLogger)
        let received = try await collect(consumer, count: 3)
        await consumer.close()
        await producer.shutdown()

        #expect(received.map(\.offset) == [0, 1, 2])
        #expect(received[0].keyString == "学号2026001")
        #expect(received[0].valueString == "张三与北京望前科技有限公司签约")
        #expect(received[0].header("来源") == Array("学生服务".utf8))
        #expect(received[0].headers == sent[0].headers)
        #expect(received[1].keyString == "学号2026002")
        #expect(received[1].headers.isEmpty)
        #expect(received[2].key == nil)
        #expect(received[2].valueString == "无键")
        #expect(received[2].header("空") == [])
        let timestamp = try #require(received[0].timestamp)
        #expect(abs(timestamp.timeIntervalSinceNow) < 60)
    }

    @Test func tenThousandMessagesKeepPerKeyOrderWithoutLossOrDuplicates() async throws {
        let topic = try await freshTopic("order", partitions: 4)
        let producer = try KafkaProducer.make(config: brokerConfig, logger: testLogger)
        let keys = (0..<50).map { "学生-\($0)" }
        let messages = (0..<10_000).map { i in
            KafkaOutgoingMessage(topic: topic, key: keys[i % 50], value: "\(keys[i % 50])#\(i / 50)")
        }
        let reports = try await producer.sendAll(messages)
        await producer.shutdown()
        #expect(reports.count == 10_000)
        #expect(Set(reports.map { "\($0.partition)/\($0.offset)" }).count == 10_000, "each message stored once")
        #expect(Set(reports.map(\.partition)).count > 1, "keys spread over partitions")

        let consumer = try KafkaConsumer.assign(
            (0..<4).map { KafkaTopicPartitionOffset(topic: topic, partition: $0, offset: KafkaOffset.beginning) },
            config: brokerConfig, logger: testLogger)
        let received = try await collect(consumer, count: 10_000, timeout: .seconds(30))
        await consumer.close()

        #expect(Set(received.map(\.valueString)).count == 10_000, "no duplicates")
        var sequences: [String: [Int]] = [:]
        var partitionOfKey: [String: Set<Int32>] = [:]
        for message in received {
            let key = try #require(message.keyString)
            let parts = try #require(message.valueString?.split(separator: "#"))
            #expect(String(parts[0]) == key)
            sequences[key, default: []].append(Int(parts[1])!)
            partitionOfKey[key, default: []].insert(message.partition)
        }
        #expect(sequences.count == 50)
        for key in keys {
            #expect(sequences[key] == Array(0..<200), "order of \(key)")
            #expect(partitionOfKey[key]?.count == 1, "\(key) stays on one partition")
        }
    }

    @Test func restartFromStoredOffsetSeesExactlyTheRest() async throws {
        let topic = try await freshTopic("restart", partitions: 1)
        // One record per batch, so Tansu reports the high watermark correctly (see ENVIRONMENT.md).
        var exactWatermarks = brokerConfig
        exactWatermarks.extra["batch.num.messages"] = "1"
        let producer = try KafkaProducer.make(config: exactWatermarks, logger: testLogger)
        _ = try await producer.sendAll((0..<100).map { KafkaOutgoingMessage(topic: topic, key: "k", value: "第\($0)条") })
        await producer.shutdown()
        let marks = try await KafkaAdmin.watermarks(topic: topic, partition: 0, config: brokerConfig)
        #expect(marks.low == 0)
        #expect(marks.high == 100)

        let first = try KafkaConsumer.assign(
            [KafkaTopicPartitionOffset(topic: topic, partition: 0, offset: KafkaOffset.beginning)],
            config: brokerConfig, logger: testLogger)
        let firstPart = try await collect(first, count: 40)
        await first.close()
        #expect(firstPart.map(\.offset) == Array(0..<40))
        let stored = firstPart.last!.offset + 1  // what a service would keep in its database

        let second = try KafkaConsumer.assign(
            [KafkaTopicPartitionOffset(topic: topic, partition: 0, offset: stored)], config: brokerConfig, logger: testLogger)
        let rest = try await collect(second, count: 60)
        await second.close()
        #expect(rest.map(\.offset) == Array(40..<100))
        #expect(rest.map(\.valueString) == (40..<100).map { "第\($0)条" })
        var afterClose = second.messages.makeAsyncIterator()
        #expect(try await afterClose.next() == nil, "messages end after close()")
    }

    @Test func smallBufferBoundsMemoryWithoutLosingMessages() async throws {
        let topic = try await freshTopic("backpressure", partitions: 2)
        let producer = try KafkaProducer.make(config: brokerConfig, logger: testLogger)
        _ = try await producer.sendAll(
            (0..<3000).map {
                KafkaOutgoingMessage(topic: topic, key: nil, value: "\($0 % 2)#\($0 / 2)", partition: Int32($0 % 2))
            })
        await producer.shutdown()

        var config = brokerConfig
        config.messageBufferCapacity = 50
        let consumer = try KafkaConsumer.assign(
            (0..<2).map { KafkaTopicPartitionOffset(topic: topic, partition: $0, offset: KafkaOffset.beginning) },
            config: config, logger: testLogger)
        // Nobody reads yet: the buffer fills to its capacity, and no further.
        try await waitUntil("the buffer is full") { consumer.buffer.count >= 50 }
        let received = try await collect(consumer, count: 3000, timeout: .seconds(30))
        await consumer.close()

        #expect(consumer.buffer.peakCount == 50, "peak \(consumer.buffer.peakCount)")
        var sequences: [String: [Int]] = [:]
        for message in received {
            let parts = try #require(message.valueString?.split(separator: "#"))
            sequences[String(parts[0]), default: []].append(Int(parts[1])!)
        }
        #expect(sequences["0"] == Array(0..<1500))
        #expect(sequences["1"] == Array(0..<1500))
    }

    /// `nextBatch` hands over what is already received, in order and at most `maxCount` at a time, and waits
    /// only for the first message of a batch.
    @Test func batchesTakeWhatIsQueuedInOrder() async throws {
        let topic = try await freshTopic("batches", partitions: 1)
        let producer = try KafkaProducer.make(config: brokerConfig, logger: testLogger)
        _ = try await producer.sendAll((0..<500).map { KafkaOutgoingMessage(topic: topic, key: nil, value: "\($0)") })
        let consumer = try KafkaConsumer.assign(
            [KafkaTopicPartitionOffset(topic: topic, partition: 0, offset: KafkaOffset.beginning)], config: brokerConfig, logger: testLogger)
        try await waitUntil("all 500 are received") { consumer.buffer.count == 500 }
        var messages = consumer.messages.makeAsyncIterator()
        var sizes: [Int] = []
        var values: [String] = []
        while values.count < 500 {
            let batch = try await messages.nextBatch(maxCount: 64)
            sizes.append(batch.count)
            values += batch.compactMap(\.valueString)
        }
        #expect(values == (0..<500).map { "\($0)" })
        #expect(sizes == Array(repeating: 64, count: 7) + [52])

        // With nothing queued, a batch is the one message that arrives.
        let waiting = Task { [messages] in
            var messages = messages
            return try await messages.nextBatch(maxCount: 64).compactMap(\.valueString)
        }
        try await Task.sleep(for: .milliseconds(200))
        _ = try await producer.send(KafkaOutgoingMessage(topic: topic, key: nil, value: "late"))
        #expect(try await waiting.value == ["late"])
        await producer.shutdown()
        await consumer.close()
        var afterClose = consumer.messages.makeAsyncIterator()
        #expect(try await afterClose.nextBatch(maxCount: 64).isEmpty, "an empty batch after close()")
    }
}
