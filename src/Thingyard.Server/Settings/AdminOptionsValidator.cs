// Section Thingyard:Admin (AdminOptions, in src/Thingyard/Accounts/AdminBootstrap.cs): the admin AccessKey is given
// whole (id and secret) or not at all, and an account uid is what accounts accept.
using Microsoft.Extensions.Options;
using Thingyard.Accounts;

namespace Thingyard.Server.Settings;

public sealed class AdminOptionsValidator : IValidateOptions<AdminOptions>
{
    public ValidateOptionsResult Validate(string? name, AdminOptions o)
    {
        var e = new SettingErrors(Sections.Admin);
        bool id = !string.IsNullOrEmpty(o.AccessKeyId), secret = !string.IsNullOrEmpty(o.AccessKeySecret);
        if (id != secret)
        {
            var (missing, given) = id ? (nameof(o.AccessKeySecret), nameof(o.AccessKeyId)) : (nameof(o.AccessKeyId), nameof(o.AccessKeySecret));
            e.Add(missing, $"is not set but {e.Key(given)} is; set both (the admin AccessKey) or neither (a generated one)");
        }
        if (!string.IsNullOrEmpty(o.AccountUid) && (o.AccountUid.Length > 32 || !o.AccountUid.All(char.IsAsciiDigit)))
            e.Add(nameof(o.AccountUid), $"{SettingErrors.Quote(o.AccountUid)} is not an account uid; use 1 to 32 digits, e.g. 1000000000000001");
        if (string.IsNullOrWhiteSpace(o.UserName) || o.UserName.Length > 64 || o.UserName.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            e.Add(nameof(o.UserName), $"{SettingErrors.Quote(o.UserName)} is not a user name; use 1 to 64 characters without spaces");
        if (o.Password is { Length: > 0 and < 10 })
            e.Add(nameof(o.Password), "is too short; use at least 10 characters");
        return e.Result;
    }
}
