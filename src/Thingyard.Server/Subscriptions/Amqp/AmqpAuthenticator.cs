// Checks an AMQP client's SASL PLAIN credentials the way Alibaba's endpoint does: the user name names the AccessKey,
// the sign method and timestamp, and the consumer group; the password is the HMAC of "authId=AK&timestamp=T" with the
// AccessKey secret. The group must be the AccessKey's account's own. A refusal is logged with its reason and the
// client gets a SASL authentication failure (the reason is not told to an unauthenticated peer).
using System.Security.Cryptography;
using System.Security.Principal;
using System.Text;
using Microsoft.Azure.Amqp.Sasl;
using Thingyard.Access;
using Thingyard.Accounts;
using Thingyard.Protocol.Signing;
using Thingyard.Server.Settings;
using Thingyard.Subscriptions;

namespace Thingyard.Server.Subscriptions.Amqp;

public sealed class AmqpAuthenticator(AccessKeyStore keys, IServiceScopeFactory scopes, InstanceOptions instance, ILogger<AmqpAuthenticator> log)
    : ISaslPlainAuthenticator
{
    public async Task<IPrincipal> AuthenticateAsync(string identity, string password)
    {
        var name = AmqpSignature.Parse(identity ?? "");
        string? problem = name.Problem;
        AccessKeyCredential? key = null;
        ConsumerGroup? group = null;
        if (problem is null && !string.IsNullOrEmpty(name.IotInstanceId) && name.IotInstanceId != instance.InstanceId)
            problem = $"iotInstanceId {name.IotInstanceId} is not this instance ({instance.InstanceId})";
        if (problem is null && (key = await keys.FindAsync(name.AccessKeyId!)) is null)
            problem = $"AccessKey {name.AccessKeyId} does not exist or is disabled";
        if (problem is null)
        {
            var expected = AmqpSignature.Password(name.SignMethod!, key!.Secret, key.AccessKeyId, name.Timestamp!)!;
            if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(password ?? "")))
                problem = "the password is not the signature of authId and timestamp with the AccessKey secret";
        }
        if (problem is null)
        {
            await using var scope = scopes.CreateAsyncScope();
            try { group = await scope.ServiceProvider.GetRequiredService<ConsumerGroupRegistry>().GetAsync(Caller.Account(key!.AccountId), name.ConsumerGroupId!); }
            catch (Thingyard.Common.IotException) { problem = $"consumer group {name.ConsumerGroupId} does not exist in the AccessKey's account"; }
        }
        if (problem is not null)
        {
            log.LogWarning("AMQP client {ClientId} refused: {Problem}", Clip(name.ClientId), problem);
            throw new UnauthorizedAccessException(problem);
        }
        return new AmqpClientPrincipal(name.ClientId, key!.AccountId, group!.Id, group.GroupId);
    }

    static string Clip(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
