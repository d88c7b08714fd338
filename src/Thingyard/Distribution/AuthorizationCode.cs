// Cross-account distribution needs the receiving account's consent: a one-time code, valid five minutes,
// issued to that account's notification inbox and handed by its owner to the distributing account.
using Thingyard.Access;

namespace Thingyard.Distribution;

public sealed class AuthorizationCode : IAccountOwned
{
    public long Id { get; set; }
    /// <summary>The receiving account (on this instance) that issued the code.</summary>
    public long AccountId { get; set; }
    public required string Code { get; set; }
    /// <summary>The account uid allowed to use it (the distributor).</summary>
    public required string ForUid { get; set; }
    public long ExpiresAtMs { get; set; }
    public long? UsedAtMs { get; set; }

    public static readonly TimeSpan Validity = TimeSpan.FromMinutes(5);
}

/// <summary>A message to an account (authorization codes, distribution results), read through the API.</summary>
public sealed class Notification : IAccountOwned
{
    /// <summary>The kind of a notification that carries an authorization code for cross-account distribution.</summary>
    public const string AuthCodeKind = "distribution.authcode";


    public long Id { get; set; }
    public long AccountId { get; set; }
    public required string Kind { get; set; }
    public required string Message { get; set; }
    public long CreatedAtMs { get; set; }
    public bool Read { get; set; }
}
