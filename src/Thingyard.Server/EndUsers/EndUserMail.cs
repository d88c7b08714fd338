// Password-reset codes for end users by e-mail, through the shared Mailer (Thingyard:Smtp). Phone-number users would
// need an SMS sender, which this build does not have: their reset is refused with a clear error, before any lookup, so
// the answer never depends on whether the login exists.
using Thingyard.Common;
using Thingyard.EndUsers;
using Thingyard.Server.Hosting;

namespace Thingyard.Server.EndUsers;

public sealed class EndUserMail(Mailer mailer, ILogger<EndUserMail> log) : IEndUserMessenger
{
    public const string NoSenderCode = "iot.enduser.NoCodeSender";

    public void RequireSender(bool email)
    {
        if (!email) throw new IotException(NoSenderCode, "Reset codes go by e-mail only: this server has no SMS sender for phone numbers.");
        if (!mailer.Enabled) throw new IotException(NoSenderCode, "Reset codes go by e-mail, and this server has no SMTP host (Thingyard:Smtp:Host).");
    }

    public async Task SendResetCodeAsync(EndUser user, string code, CancellationToken ct)
    {
        RequireSender(user.Email is not null);
        await mailer.SendAsync([user.Email!], "Your password reset code", $"Your code is {code}. It is valid for 15 minutes. If you did not ask for it, ignore this message.", ct);
        log.LogInformation("End user {UserId}: reset code sent by e-mail", user.UserId);
    }
}
