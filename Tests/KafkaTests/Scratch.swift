import Foundation
import Testing
import WangqianKafka

@Test func scratchTimings() async throws {
    let clock = ContinuousClock()
    var t = clock.now
    func lap(_ s: String) { print("LAP \(s): \(clock.now - t)"); t = clock.now }
    let topic = try await freshTopic("scratch", partitions: 1)
    lap("create")
    var c = brokerConfig
    c.extra["batch.num.messages"] = "1"
    let producer = try KafkaProducer.make(config: c, logger: testLogger)
    lap("make")
    _ = try await producer.sendAll((0..<100).map { KafkaOutgoingMessage(topic: topic, key: "k", value: "\($0)") })
    lap("send100")
    await producer.shutdown()
    lap("shutdown")
    _ = try await KafkaAdmin.watermarks(topic: topic, partition: 0, config: brokerConfig)
    lap("watermarks")
    let consumer = try KafkaConsumer.assign([.init(topic: topic, partition: 0, offset: KafkaOffset.beginning)], config: brokerConfig, logger: testLogger)
    _ = try await collect(consumer, count: 1)
    lap("consume first")
    _ = try await collect(consumer, count: 99)
    lap("consume rest")
    var d = brokerConfig
    d.extra["debug"] = "consumer,fetch,topic,metadata"
    var l = testLogger
    l.logLevel = .debug
    let consumer2 = try KafkaConsumer.assign([.init(topic: topic, partition: 0, offset: 0)], config: d, logger: l)
    _ = try await collect(consumer2, count: 1)
    lap("consume2 first")
    await consumer2.close()
    await consumer.close()
    lap("close")
}
