import ServiceKit

extension ServiceRuntime {
    /// What a portal is built from: the portal settings, the token authority and the logger.
    public var portalParts: Portal.Parts {
        Portal.Parts(settings: config.portal, tokens: tokens, logger: logger, tokenMaxLifetime: config.tokenMaxLifetime)
    }
}
