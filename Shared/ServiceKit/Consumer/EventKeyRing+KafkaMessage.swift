import AgreementContract
import WangqianKafka

extension EventKeyRing {
    /// Reads a consumed record as every consumer must (see `open(key:headers:value:)`).
    public func open(_ message: KafkaMessage) throws(ContractError) -> DecodedEvent {
        try open(key: String(decoding: message.key ?? [], as: UTF8.self),
                 headers: message.headers.map { ($0.key, $0.value) }, value: message.value)
    }
}
