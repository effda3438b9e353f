package spindle.store;

import spindle.core.url.UrlNormalizer;

class MemoryFrontierTest extends FrontierContract {
  @Override
  Frontier create(FrontierLimits limits) {
    return new MemoryFrontier(limits, UrlNormalizer::fingerprint);
  }
}
