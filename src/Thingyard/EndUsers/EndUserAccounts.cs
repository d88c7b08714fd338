// Sign-up, sign-in, sessions, password reset and deletion of a project's end users. Passwords are hashed with ASP.NET
// Core Identity's PasswordHasher (PBKDF2); tokens are 32 random bytes, kept only as SHA-256 hashes, so a copy of the
// database signs nobody in. A wrong password and an unknown login read the same (and cost the same), so sign-in tells
// nobody who has an account; a reset request answers alike whether the login exists or not.
using System.Net.Mail;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Thingyard.Common;
using Thingyard.Storage;

namespace Thingyard.EndUsers;

public sealed record EndUserTokens(string UserId, string AccessToken, long AccessExpiresAtMs, string RefreshToken, long RefreshExpiresAtMs);

/// <summary>Sends a reset code to an end user's e-mail address (SMTP) or phone (an SMS sender, where one is set up).</summary>
public interface IEndUserMessenger
{
    Task SendResetCodeAsync(EndUser user, string code, CancellationToken ct);
}

public static class EndUserErrors
{
    public const string BadCredentials = "iot.enduser.InvalidCredentials";
    public const string LoginExists = "iot.enduser.AlreadyExistedLogin";
    public const string InvalidLogin = "iot.enduser.InvalidLogin";
    public const string WeakPassword = "iot.enduser.InvalidPassword";
    public const string InvalidToken = "iot.enduser.InvalidToken";
    public const string InvalidCode = "iot.enduser.InvalidResetCode";
    public const string ProjectNotFound = "iot.prj.NotExistedProject";
}

public sealed partial class EndUserAccounts(ThingyardDb db, TimeProvider time, IEndUserMessenger messenger)
{
    public static readonly TimeSpan AccessLifetime = TimeSpan.FromHours(2);
    public static readonly TimeSpan RefreshLifetime = TimeSpan.FromDays(30);
    static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(15);
    const int CodeTries = 5;

    static readonly PasswordHasher<EndUser> Hasher = new();
    // Checked against when the login is unknown, so that answer costs what a wrong password costs.
    static readonly string DummyHash = Hasher.HashPassword(null!, "not a password of anyone");

    public async Task<(EndUser User, EndUserTokens Tokens)> SignUpAsync(string projectId, string login, string password, CancellationToken ct = default)
    {
        var project = await ProjectAsync(projectId, ct);
        var (email, phone) = ParseLogin(login);
        CheckPassword(password);
        if (await Named(project.Id, email, phone).AnyAsync(ct)) throw Exists();
        var user = new EndUser
        {
            AccountId = project.AccountId, ProjectId = project.Id, UserId = "eu_" + Ids.Alphanumeric(16), Email = email, Phone = phone,
            PasswordHash = "", CreatedAtMs = Now,
        };
        user.PasswordHash = Hasher.HashPassword(user, password);
        db.EndUsers.Add(user);
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException) { throw Exists(); } // a sign-up with the same login at the same moment
        return (user, await StartSessionAsync(user, ct));
    }

    public async Task<EndUserTokens> SignInAsync(string projectId, string login, string password, CancellationToken ct = default) =>
        await StartSessionAsync(await CheckPasswordAsync(projectId, login, password, ct), ct);

    /// <summary>The end user with this login and password, for a sign-in that issues its own tokens (AliGenie account
    /// linking); a wrong password and an unknown login fail alike.</summary>
    public async Task<EndUser> CheckPasswordAsync(string projectId, string login, string password, CancellationToken ct = default)
    {
        var project = await ProjectAsync(projectId, ct);
        EndUser? user = null;
        if (TryParseLogin(login, out var email, out var phone)) user = await Named(project.Id, email, phone).FirstOrDefaultAsync(ct);
        var result = Hasher.VerifyHashedPassword(user!, user?.PasswordHash ?? DummyHash, password ?? "");
        if (user is null || result == PasswordVerificationResult.Failed)
            throw new IotException(EndUserErrors.BadCredentials, "The login or the password is wrong.");
        if (result == PasswordVerificationResult.SuccessRehashNeeded) user.PasswordHash = Hasher.HashPassword(user, password!);
        user.LastSignInAtMs = Now;
        await db.SaveChangesAsync(ct);
        return user;
    }

    /// <summary>New tokens for a session's refresh token; the old ones stop working. A refresh token already used once
    /// ends every session of its user: someone else has it.</summary>
    public async Task<EndUserTokens> RefreshAsync(string refreshToken, CancellationToken ct = default)
    {
        var hash = Hash(refreshToken);
        var session = await db.EndUserSessions.FirstOrDefaultAsync(s => s.RefreshHash == hash, ct);
        if (session is null)
        {
            var replaced = await db.EndUserSessions.FirstOrDefaultAsync(s => s.PreviousRefreshHash == hash, ct);
            if (replaced is not null)
                await db.EndUserSessions.Where(s => s.EndUserId == replaced.EndUserId && s.EndedAtMs == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAtMs, Now), ct);
            throw InvalidToken();
        }
        if (session.EndedAtMs is not null || session.RefreshExpiresAtMs < Now) throw InvalidToken();
        var user = await db.EndUsers.FirstAsync(u => u.Id == session.EndUserId, ct);
        var (access, refresh) = (Token(), Token());
        session.PreviousRefreshHash = hash;
        session.AccessHash = Hash(access);
        session.AccessExpiresAtMs = Now + (long)AccessLifetime.TotalMilliseconds;
        session.RefreshHash = Hash(refresh);
        session.RefreshExpiresAtMs = Now + (long)RefreshLifetime.TotalMilliseconds;
        await db.SaveChangesAsync(ct);
        return new(user.UserId, access, session.AccessExpiresAtMs, refresh, session.RefreshExpiresAtMs);
    }

    /// <summary>The end user an access token belongs to, or null (unknown, expired or signed out).</summary>
    public async Task<EndUser?> AuthenticateAsync(string? accessToken, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(accessToken) || accessToken.Length > 100) return null;
        var hash = Hash(accessToken);
        var now = Now;
        var userId = await db.EndUserSessions.AsNoTracking().Where(s => s.AccessHash == hash && s.EndedAtMs == null && s.AccessExpiresAtMs > now)
            .Select(s => (long?)s.EndUserId).FirstOrDefaultAsync(ct);
        return userId is null ? null : await db.EndUsers.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, ct);
    }

    public async Task SignOutAsync(string accessToken, CancellationToken ct = default)
    {
        var hash = Hash(accessToken);
        await db.EndUserSessions.Where(s => s.AccessHash == hash && s.EndedAtMs == null).ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAtMs, Now), ct);
    }

    /// <summary>Sends a reset code when the login exists; answers the same either way.</summary>
    public async Task RequestResetAsync(string projectId, string login, CancellationToken ct = default)
    {
        var project = await ProjectAsync(projectId, ct);
        if (!TryParseLogin(login, out var email, out var phone)) throw InvalidLogin();
        var user = await Named(project.Id, email, phone).FirstOrDefaultAsync(ct);
        if (user is null) return;
        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
        await db.EndUserResetCodes.Where(c => c.EndUserId == user.Id && c.UsedAtMs == null).ExecuteUpdateAsync(s => s.SetProperty(c => c.UsedAtMs, Now), ct);
        db.EndUserResetCodes.Add(new EndUserResetCode { EndUserId = user.Id, CodeHash = Hash(user.UserId + ":" + code), ExpiresAtMs = Now + (long)CodeLifetime.TotalMilliseconds });
        await db.SaveChangesAsync(ct);
        await messenger.SendResetCodeAsync(user, code, ct);
    }

    /// <summary>Sets a new password with the code sent; every session of the user ends.</summary>
    public async Task ResetAsync(string projectId, string login, string code, string newPassword, CancellationToken ct = default)
    {
        var project = await ProjectAsync(projectId, ct);
        CheckPassword(newPassword);
        if (!TryParseLogin(login, out var email, out var phone)) throw InvalidLogin();
        var user = await Named(project.Id, email, phone).FirstOrDefaultAsync(ct);
        var pending = user is null ? null
            : await db.EndUserResetCodes.Where(c => c.EndUserId == user.Id && c.UsedAtMs == null).OrderByDescending(c => c.Id).FirstOrDefaultAsync(ct);
        if (user is null || pending is null || pending.ExpiresAtMs < Now || pending.Attempts >= CodeTries) throw InvalidCode();
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(pending.CodeHash), Encoding.ASCII.GetBytes(Hash(user.UserId + ":" + (code ?? "")))))
        {
            pending.Attempts++;
            await db.SaveChangesAsync(ct);
            throw InvalidCode();
        }
        pending.UsedAtMs = Now;
        user.PasswordHash = Hasher.HashPassword(user, newPassword);
        await db.SaveChangesAsync(ct);
        await db.EndUserSessions.Where(s => s.EndUserId == user.Id && s.EndedAtMs == null).ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAtMs, Now), ct);
    }

    /// <summary>Deletes the end user with their sessions and codes (their device bindings go with them).</summary>
    public async Task DeleteAsync(EndUser user, CancellationToken ct = default) =>
        await db.EndUsers.Where(u => u.Id == user.Id).ExecuteDeleteAsync(ct);

    async Task<EndUserTokens> StartSessionAsync(EndUser user, CancellationToken ct)
    {
        var (access, refresh) = (Token(), Token());
        var session = new EndUserSession
        {
            EndUserId = user.Id, AccessHash = Hash(access), AccessExpiresAtMs = Now + (long)AccessLifetime.TotalMilliseconds, RefreshHash = Hash(refresh),
            RefreshExpiresAtMs = Now + (long)RefreshLifetime.TotalMilliseconds, CreatedAtMs = Now,
        };
        db.EndUserSessions.Add(session);
        await db.SaveChangesAsync(ct);
        return new(user.UserId, access, session.AccessExpiresAtMs, refresh, session.RefreshExpiresAtMs);
    }

    async Task<Projects.Project> ProjectAsync(string projectId, CancellationToken ct) =>
        await db.Projects.AsNoTracking().FirstOrDefaultAsync(p => p.ProjectId == projectId, ct)
        ?? throw new IotException(EndUserErrors.ProjectNotFound, $"The project '{projectId}' does not exist.");

    IQueryable<EndUser> Named(long projectId, string? email, string? phone) =>
        email is not null ? db.EndUsers.Where(u => u.ProjectId == projectId && u.Email == email) : db.EndUsers.Where(u => u.ProjectId == projectId && u.Phone == phone);

    /// <summary>An e-mail address (lower-cased) or a phone number (digits, an optional leading '+', 6 to 15 digits).</summary>
    public static (string? Email, string? Phone) ParseLogin(string? login) =>
        TryParseLogin(login, out var email, out var phone) ? (email, phone) : throw InvalidLogin();

    static bool TryParseLogin(string? login, out string? email, out string? phone)
    {
        email = phone = null;
        login = (login ?? "").Trim();
        if (login.Length is 0 or > 254) return false;
        if (login.Contains('@'))
        {
            if (!MailAddress.TryCreate(login, out var address) || address.Address != login) return false;
            email = login.ToLowerInvariant();
            return true;
        }
        var digits = login.Replace(" ", "").Replace("-", "");
        if (!PhonePattern().IsMatch(digits)) return false;
        phone = digits;
        return true;
    }

    static void CheckPassword(string? password)
    {
        if (password is null || password.Length is < 8 or > 128)
            throw new IotException(EndUserErrors.WeakPassword, "A password is 8 to 128 characters.");
    }

    long Now => time.GetUtcNow().ToUnixTimeMilliseconds();
    static string Token() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
    static IotException Exists() => new(EndUserErrors.LoginExists, "An end user with this login already exists in the project.");
    static IotException InvalidLogin() => new(EndUserErrors.InvalidLogin, "The login is an e-mail address or a phone number (6 to 15 digits, an optional leading +).");
    static IotException InvalidToken() => new(EndUserErrors.InvalidToken, "The token is unknown, expired or already used; sign in again.");
    static IotException InvalidCode() => new(EndUserErrors.InvalidCode, "The reset code is wrong, expired or used up; ask for a new one.");

    [GeneratedRegex(@"^\+?[0-9]{6,15}$")]
    private static partial Regex PhonePattern();
}
