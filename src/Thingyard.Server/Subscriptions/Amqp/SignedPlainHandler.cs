// SASL PLAIN on the server side, answering a refused client with the outcome code auth (1). Microsoft.Azure.Amqp's own
// SaslPlainHandler answers sys (4, a temporary system error) whenever the authenticator's task fails, so a client with
// a wrong signature was told to try again later (AMQP.Net Lite: "Sasl negotiation failed with code Sys"). The
// negotiation is still the library's (SaslNegotiator); this handler only reads the PLAIN message (RFC 4616:
// [authzid] NUL authcid NUL passwd) and maps the outcome.
using System.Text;
using Microsoft.Azure.Amqp.Sasl;

namespace Thingyard.Server.Subscriptions.Amqp;

public sealed class SignedPlainHandler : SaslHandler
{
    readonly ISaslPlainAuthenticator _authenticator;

    public SignedPlainHandler(ISaslPlainAuthenticator authenticator)
    {
        _authenticator = authenticator;
        Mechanism = SaslPlainHandler.Name;
    }

    public override SaslHandler Clone() => new SignedPlainHandler(_authenticator);

    public override void OnChallenge(SaslChallenge challenge) => throw new InvalidOperationException("PLAIN has no challenge");

    public override void OnResponse(SaslResponse response) => throw new InvalidOperationException("PLAIN has no response");

    protected override void OnStart(SaslInit init, bool isClient)
    {
        if (isClient) throw new InvalidOperationException("this handler serves the server side only");
        var message = init.InitialResponse.Count > 0 ? Encoding.UTF8.GetString(init.InitialResponse.Array!, init.InitialResponse.Offset, init.InitialResponse.Count) : "";
        var parts = message.Split('\0');
        // A message that is not three fields has no user name: the authenticator refuses (and logs) the empty one.
        _ = parts.Length == 3 ? CompleteAsync(parts[1], parts[2]) : CompleteAsync("", "");
    }

    async Task CompleteAsync(string identity, string password)
    {
        try
        {
            Principal = await _authenticator.AuthenticateAsync(identity, password);
        }
        catch (UnauthorizedAccessException e)
        {
            Negotiator.CompleteNegotiation(SaslCode.Auth, e);
            return;
        }
        catch (Exception e)
        {
            Negotiator.CompleteNegotiation(SaslCode.Sys, e);
            return;
        }
        Negotiator.CompleteNegotiation(SaslCode.Ok, null);
    }
}
