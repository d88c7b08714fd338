// A project's AliGenie skill: the OAuth client that Tmall Genie's cloud uses to link end users' accounts, kept as an
// OpenIddict application (client id "aligenie_" + project id, one per project; the secret stored hashed by OpenIddict,
// shown once at creation; the project recorded in its properties). Managed as the project is: read by whoever sees
// the project, changed by whoever may change it.
using System.Text.Json;
using OpenIddict.Abstractions;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Projects;
using static OpenIddict.Abstractions.OpenIddictConstants;
using OidcPermissions = OpenIddict.Abstractions.OpenIddictConstants.Permissions;

namespace Thingyard.Server.AliGenie;

public sealed record AliGenieSkill(string ProjectId, string ClientId, IReadOnlyList<string> RedirectUris, string? ClientSecret = null);

public sealed class AliGenieSkills(ProjectRegistry projects, IOpenIddictApplicationManager apps)
{
    public const string SkillExists = "iot.aligenie.AlreadyExistedSkill";
    public const string SkillNotFound = "iot.aligenie.NotExistedSkill";
    const string ProjectProperty = "thingyard_project";
    const int MaxRedirectUris = 5;

    public static string ClientIdOf(string projectId) => "aligenie_" + projectId;

    public async Task<AliGenieSkill> CreateAsync(Caller caller, string projectId, IReadOnlyList<string> redirectUris, CancellationToken ct = default)
    {
        var project = await projects.GetAsync(caller, projectId, ct);
        caller.RequireChange(project);
        var uris = CheckRedirectUris(redirectUris);
        var clientId = ClientIdOf(project.ProjectId);
        if (await apps.FindByClientIdAsync(clientId, ct) is not null)
            throw new IotException(SkillExists, $"The project '{projectId}' already has an AliGenie skill; delete it first to start over.");
        var secret = Ids.Alphanumeric(40);
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId, ClientSecret = secret, ClientType = ClientTypes.Confidential, ConsentType = ConsentTypes.Implicit,
            DisplayName = $"AliGenie skill of {project.Name}",
            Permissions =
            {
                OidcPermissions.Endpoints.Authorization, OidcPermissions.Endpoints.Token, OidcPermissions.GrantTypes.AuthorizationCode,
                OidcPermissions.GrantTypes.RefreshToken, OidcPermissions.ResponseTypes.Code,
            },
        };
        foreach (var uri in uris) descriptor.RedirectUris.Add(uri);
        descriptor.Properties[ProjectProperty] = JsonSerializer.SerializeToElement(project.ProjectId);
        await apps.CreateAsync(descriptor, ct);
        return new AliGenieSkill(project.ProjectId, clientId, uris.Select(u => u.ToString()).ToList(), secret);
    }

    public async Task<AliGenieSkill> GetAsync(Caller caller, string projectId, CancellationToken ct = default)
    {
        var project = await projects.GetAsync(caller, projectId, ct);
        var app = await apps.FindByClientIdAsync(ClientIdOf(project.ProjectId), ct) ?? throw NotFound(projectId);
        return new AliGenieSkill(project.ProjectId, ClientIdOf(project.ProjectId), (await apps.GetRedirectUrisAsync(app, ct)).Select(u => u.ToString()).ToList());
    }

    /// <summary>Deletes the skill; OpenIddict deletes its authorizations and tokens with it, so every link ends.</summary>
    public async Task DeleteAsync(Caller caller, string projectId, CancellationToken ct = default)
    {
        var project = await projects.GetAsync(caller, projectId, ct);
        caller.RequireChange(project);
        var app = await apps.FindByClientIdAsync(ClientIdOf(project.ProjectId), ct) ?? throw NotFound(projectId);
        await apps.DeleteAsync(app, ct);
    }

    /// <summary>The project (public id) of a skill's client, as OpenIddict has already found the client.</summary>
    public async Task<string?> ProjectOfClientAsync(string clientId, CancellationToken ct = default)
    {
        if (await apps.FindByClientIdAsync(clientId, ct) is not { } app) return null;
        var properties = await apps.GetPropertiesAsync(app, ct);
        return properties.TryGetValue(ProjectProperty, out var p) ? p.GetString() : null;
    }

    static List<Uri> CheckRedirectUris(IReadOnlyList<string> values)
    {
        if (values.Count is 0 or > MaxRedirectUris)
            throw IotException.Invalid($"RedirectUri: one to {MaxRedirectUris} URLs (AliGenie's callback, as its developer console shows it).");
        var uris = new List<Uri>();
        foreach (var value in values)
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || value.Length > 1000 || uri.Fragment.Length > 0)
                throw IotException.Invalid($"RedirectUri: '{value}' is not an absolute http(s) URL without a fragment.");
            uris.Add(uri);
        }
        return uris;
    }

    static IotException NotFound(string projectId) => new(SkillNotFound, $"The project '{projectId}' has no AliGenie skill.");
}
