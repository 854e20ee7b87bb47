import Foundation
import Hummingbird

/// The request context of every service: JSON in our dialect, and a bounded upload size.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public init(source: ApplicationRequestContextSource) { coreContext = .init(source: source) }
    public var requestDecoder: JSONDecoder { JSON.decoder }
    public var responseEncoder: JSONEncoder { JSON.encoder }
    /// Roster CSV uploads are the largest bodies.
    public var maxUploadSize: Int { 8 * 1024 * 1024 }
}
