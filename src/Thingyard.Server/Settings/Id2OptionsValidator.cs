// Section Thingyard:Id2: how long a server random lives, and how far a timestamp auth code may be from the server's clock.
using Microsoft.Extensions.Options;
using Thingyard.Id2;

namespace Thingyard.Server.Settings;

public sealed class Id2OptionsValidator : IValidateOptions<Id2Options>
{
    public ValidateOptionsResult Validate(string? name, Id2Options o)
    {
        var e = new SettingErrors(Sections.Id2);
        e.Range(nameof(o.ChallengeLifetimeSeconds), o.ChallengeLifetimeSeconds, 10, 3600, " (seconds)");
        e.Range(nameof(o.TimestampWindowSeconds), o.TimestampWindowSeconds, 10, 86_400, " (seconds)");
        return e.Result;
    }
}
