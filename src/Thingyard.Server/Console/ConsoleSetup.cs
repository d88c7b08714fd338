// The web console at /console: Blazor with server-side interactivity and MudBlazor, people signed in with ASP.NET Core
// Identity (cookie, password hashing, lockout, security stamps are Identity's; none of it is written here). A browser
// opening "/" is sent here (RpcEndpoint); API clients calling "/" with an Action are not affected.
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using MudBlazor.Services;
using Thingyard.Accounts;
using Thingyard.Storage;

namespace Thingyard.Server.Console;

public static class ConsoleSetup
{
    public const string Base = "/console";
    public const string SignInPath = Base + "/signin";
    /// <summary>Where the console opens: project management, as the seed's console does.</summary>
    public const string Landing = Base + "/projects";
    public const string KeysFolder = "console-keys";

    public static IServiceCollection AddConsole(this IServiceCollection services, ConsoleOptions options, string dataDir)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddCascadingAuthenticationState();
        services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = SignInPath;
            o.AccessDeniedPath = SignInPath;
            o.Cookie.Name = "thingyard.console";
            o.Cookie.Path = "/"; // the circuit's hub (/_blazor) must see it too
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.ExpireTimeSpan = TimeSpan.FromHours(options.SessionHours);
            o.SlidingExpiration = true;
        });
        services.AddIdentityCore<ConsoleUser>(o =>
            {
                o.Lockout.MaxFailedAccessAttempts = options.LockoutFailures;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(options.LockoutMinutes);
                o.Lockout.AllowedForNewUsers = true;
                // Length, not composition (NIST SP 800-63B): 10 characters or more, of any kind.
                o.Password.RequiredLength = ConsoleUsers.MinPasswordLength;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireDigit = false;
                o.User.AllowedUserNameCharacters += "+";
            })
            .AddEntityFrameworkStores<ThingyardDb>()
            .AddSignInManager()
            .AddDefaultTokenProviders();
        // A role change or removal signs the user's other sessions out within a minute (the stamp is checked that often).
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));
        services.AddAuthorization();
        // Sign-in cookies and antiforgery tokens survive restarts; the key ring sits in the owner-only data folder.
        services.AddDataProtection().SetApplicationName("Thingyard")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataDir, KeysFolder)));
        services.AddScoped<ConsoleSession>();
        services.AddScoped<ConsoleApi>();
        services.AddScoped<ConsoleUsers>();
        return services;
    }

    public static WebApplication MapConsole(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapPost(SignInPath.Replace("signin", "signout"), async (SignInManager<ConsoleUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return Results.LocalRedirect(SignInPath);
        }).WithMetadata(new RequireAntiforgeryTokenAttribute()).ExcludeFromDescription();
        return app;
    }
}
