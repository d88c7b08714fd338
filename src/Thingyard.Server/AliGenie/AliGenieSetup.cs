// AliGenie area wiring: the OpenIddict server (authorization code and refresh token flows for the skills' confidential
// clients, reference tokens in ThingyardDb, keys from AliGenieKeys) with its validation for the gateway, the skills,
// mappings and directives (per request), and the OAuth and gateway endpoints.
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using Thingyard.AliGenie;
using Thingyard.Storage;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Thingyard.Server.AliGenie;

public static class AliGenieSetup
{
    public static IServiceCollection AddAliGenie(this IServiceCollection services)
    {
        services.AddScoped<AliGenieSkills>();
        services.AddScoped<AliGenieMappings>();
        services.AddScoped<AliGenieDirectives>();
        services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>, AliGenieKeys>();
        services.AddOpenIddict()
            .AddCore(o => o.UseEntityFrameworkCore().UseDbContext<ThingyardDb>())
            .AddServer(o =>
            {
                o.SetAuthorizationEndpointUris(AliGenieOAuth.AuthorizePath).SetTokenEndpointUris(AliGenieOAuth.TokenPath);
                o.AllowAuthorizationCodeFlow().AllowRefreshTokenFlow();
                // Opaque tokens kept in the token store: short for AliGenie to hold, and revoked with the skill.
                o.UseReferenceAccessTokens().UseReferenceRefreshTokens();
                o.SetAccessTokenLifetime(TimeSpan.FromHours(2)).SetRefreshTokenLifetime(TimeSpan.FromDays(90));
                // AliGenie names no scope (or its own); the end user's project is what a token is good for.
                o.RegisterScopes(Scopes.OfflineAccess).DisableScopeValidation().IgnoreScopePermissions();
                // AliGenie's callback carries a per-user token in its query: matched by AliGenieRedirectUris, not exactly.
                o.RemoveEventHandler(OpenIddictServerHandlers.Authentication.ValidateClientRedirectUri.Descriptor);
                o.AddEventHandler(AliGenieRedirectUris.Descriptor);
                // TLS is the reverse proxy's (PublicHttpUrl is https in production); the server itself may listen on http.
                o.UseAspNetCore().EnableAuthorizationEndpointPassthrough().EnableTokenEndpointPassthrough().DisableTransportSecurityRequirement();
            })
            .AddValidation(o => o.UseLocalServer());
        return services;
    }

    public static void MapAliGenie(this WebApplication app)
    {
        app.MapAliGenieOAuth();
        app.MapAliGenieGateway();
    }
}
