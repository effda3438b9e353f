package spindle.fetch.address;

import java.io.IOException;

/**
 * The address policy refused a connection before it was opened; the message names the address and the rule
 * ({@code 169.254.169.254 is the cloud metadata address, always refused}). The fetch becomes an
 * {@code ADDRESS_BLOCKED} record.
 */
public final class AddressBlockedException extends IOException {
  private static final long serialVersionUID = 1L;

  /** A refusal explained by {@code message}. */
  public AddressBlockedException(String message) {
    super(message);
  }
}
