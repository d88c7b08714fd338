// Which redirect URIs a skill accepts, in place of OpenIddict's exact comparison: AliGenie's callback carries a
// per-user token in its query (…/oauth/callback?skillId=…&token=…) that the code must be sent back with. A redirect
// URI is accepted when its scheme, host, port and path are a registered URI's, and every query parameter of that
// registered URI is in it with the same value; other parameters may be added. Everything else is refused as
// OpenIddict refuses it: an error page, never a redirect.
using Microsoft.AspNetCore.WebUtilities;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Thingyard.Server.AliGenie;

sealed class AliGenieRedirectUris(IOpenIddictApplicationManager apps) : IOpenIddictServerHandler<ValidateAuthorizationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } = OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateAuthorizationRequestContext>()
        .UseScopedHandler<AliGenieRedirectUris>()
        .SetOrder(OpenIddictServerHandlers.Authentication.ValidateClientRedirectUri.Descriptor.Order)
        .SetType(OpenIddictServerHandlerType.Custom)
        .Build();

    public async ValueTask HandleAsync(ValidateAuthorizationRequestContext context)
    {
        var app = await apps.FindByClientIdAsync(context.ClientId!) ?? throw new InvalidOperationException("The client was checked before.");
        if (!string.IsNullOrEmpty(context.RedirectUri))
            foreach (var registered in await apps.GetRedirectUrisAsync(app))
                if (Matches(registered, context.RedirectUri)) return;
        context.Reject(error: Errors.InvalidRequest, description: "The 'redirect_uri' parameter is missing or not registered for this skill.");
    }

    public static bool Matches(string registered, string given)
    {
        if (!Uri.TryCreate(registered, UriKind.Absolute, out var r) || !Uri.TryCreate(given, UriKind.Absolute, out var g) || g.Fragment.Length > 0
            || g.UserInfo.Length > 0 || !string.Equals(r.GetLeftPart(UriPartial.Path), g.GetLeftPart(UriPartial.Path), StringComparison.Ordinal))
            return false;
        var have = QueryHelpers.ParseQuery(g.Query);
        return QueryHelpers.ParseQuery(r.Query).All(p => have.TryGetValue(p.Key, out var v) && v == p.Value);
    }
}
