// End users: the people who use a project's devices through an app (the consumer app, a proprietary app, a voice
// assistant). A separate identity pool per project, apart from console users: they sign up with an e-mail address or
// a phone number and a password, hold sessions (an access token and a refresh token, both stored only as hashes) and
// reset a forgotten password with a one-time code.
using Thingyard.Access;

namespace Thingyard.EndUsers;

public sealed class EndUser : IAccountOwned
{
    public long Id { get; set; }
    /// <summary>The account that owns the project.</summary>
    public long AccountId { get; set; }
    public long ProjectId { get; set; }
    /// <summary>The public id ("eu_" and 16 characters).</summary>
    public required string UserId { get; set; }
    /// <summary>Lower-cased; unique in the project.</summary>
    public string? Email { get; set; }
    /// <summary>Digits with an optional leading '+'; unique in the project.</summary>
    public string? Phone { get; set; }
    public required string PasswordHash { get; set; }
    public long CreatedAtMs { get; set; }
    public long? LastSignInAtMs { get; set; }
}

/// <summary>One signed-in session. A refresh gives the session new tokens; a refresh token used twice (stolen, or
/// replayed) ends every session of the user.</summary>
public sealed class EndUserSession
{
    public long Id { get; set; }
    public long EndUserId { get; set; }
    /// <summary>SHA-256 (hex) of the access token.</summary>
    public required string AccessHash { get; set; }
    public long AccessExpiresAtMs { get; set; }
    public required string RefreshHash { get; set; }
    public long RefreshExpiresAtMs { get; set; }
    /// <summary>SHA-256 of the refresh token this session's tokens replaced (to catch its reuse).</summary>
    public string? PreviousRefreshHash { get; set; }
    public long CreatedAtMs { get; set; }
    public long? EndedAtMs { get; set; }
}

/// <summary>A password-reset code: six digits, stored as a hash, valid 15 minutes, five tries.</summary>
public sealed class EndUserResetCode
{
    public long Id { get; set; }
    public long EndUserId { get; set; }
    public required string CodeHash { get; set; }
    public long ExpiresAtMs { get; set; }
    public int Attempts { get; set; }
    public long? UsedAtMs { get; set; }
}
