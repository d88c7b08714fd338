// Every configuration section binds to its own options class: services take the one they use (as a singleton, read
// once when they are made), never the whole configuration. Each section is checked by the same code twice:
//  - ReadValidated, before anything is built: the host creates the data folder, checks for a lost database and
//    creates the master key before the application exists, so a bad setting must stop the start before that;
//  - ValidateOnStart, when the host starts, over the options the services get.
// The checks are KnownSettings (unknown keys, values of the wrong type) and one IValidateOptions per section (the
// rules, including those that span fields). See docs/architecture.md, "How to add a setting".
using Microsoft.Extensions.Options;
using Thingyard.Accounts;
using Thingyard.Server.Distribution;
using Thingyard.Storage;

namespace Thingyard.Server.Settings;

/// <summary>Settings that stop the start: one line per problem, each naming its key.</summary>
public sealed class InvalidSettingsException(IReadOnlyList<string> failures) : Exception(string.Join(Environment.NewLine, failures))
{
    public IReadOnlyList<string> Failures { get; } = failures;
}

/// <summary>The sections as ReadValidated bound and checked them.</summary>
public sealed class ValidatedSettings(IReadOnlyDictionary<Type, object> sections)
{
    public T Get<T>() where T : class => (T)sections[typeof(T)];
}

public static class SettingsSetup
{
    interface ISection
    {
        string Path { get; }
        void Add(IServiceCollection services, IConfiguration configuration, IReadOnlySet<string> otherSections);
        (Type Type, object Value) Resolve(IServiceProvider services);
    }

    sealed class Section<T, TValidator>(string path) : ISection where T : class where TValidator : class, IValidateOptions<T>
    {
        public string Path => path;

        public void Add(IServiceCollection services, IConfiguration configuration, IReadOnlySet<string> otherSections)
        {
            var section = configuration.GetSection(path);
            // Registered before Bind, so it runs first: the binder would otherwise throw on a value of the wrong type.
            services.AddSingleton<IConfigureOptions<T>>(new KnownSettings<T>(section, otherSections));
            services.AddOptions<T>().Bind(section).ValidateOnStart();
            services.AddSingleton<IValidateOptions<T>, TValidator>();
            services.AddSingleton(sp => sp.GetRequiredService<IOptions<T>>().Value);
        }

        public (Type, object) Resolve(IServiceProvider services) => (typeof(T), services.GetRequiredService<IOptions<T>>().Value);
    }

    static readonly ISection[] All =
    [
        new Section<InstanceOptions, InstanceOptionsValidator>(Sections.Instance),
        new Section<MqttOptions, MqttOptionsValidator>(Sections.Mqtt),
        new Section<StorageOptions, StorageOptionsValidator>(Sections.Storage),
        new Section<AdminOptions, AdminOptionsValidator>(Sections.Admin),
        new Section<SecurityOptions, SecurityOptionsValidator>(Sections.Security),
        new Section<AuthThrottleOptions, AuthFailuresValidator>(Sections.AuthFailures),
        new Section<FederationOptions, FederationOptionsValidator>(Sections.Federation),
        new Section<TelemetryOptions, TelemetryOptionsValidator>(Sections.Telemetry),
        new Section<Console.ConsoleOptions, ConsoleOptionsValidator>(Sections.Console),
        new Section<AmqpOptions, AmqpOptionsValidator>(Sections.Amqp),
        new Section<SmtpOptions, SmtpOptionsValidator>(Sections.Smtp),
        new Section<AlarmOptions, AlarmOptionsValidator>(Sections.Alarms),
        new Section<WebhookOptions, WebhookOptionsValidator>(Sections.Webhooks),
        new Section<ScriptOptions, ScriptOptionsValidator>(Sections.Scripts),
        new Section<ClusterOptions, ClusterOptionsValidator>(Sections.Cluster),
        new Section<Thingyard.Id2.Id2Options, Id2OptionsValidator>(Sections.Id2),
    ];

    /// <summary>Binds every section (IOptions&lt;T&gt; and T itself), validated when the host starts.</summary>
    public static IServiceCollection AddThingyardSettings(this IServiceCollection services, IConfiguration configuration)
    {
        foreach (var section in All)
        {
            // A section's keys include the sections nested in it (Thingyard:Mqtt under Thingyard): those are not its to check.
            var others = All.Where(s => s != section).Select(s => s.Path).ToHashSet(StringComparer.OrdinalIgnoreCase);
            section.Add(services, configuration, others);
        }
        // The data folder as an absolute path, taken from the working directory once: everything that uses it agrees.
        services.PostConfigure<InstanceOptions>(o =>
        {
            if (!string.IsNullOrWhiteSpace(o.DataDir) && !o.DataDir.Contains('\0')) o.DataDir = Path.GetFullPath(o.DataDir);
        });
        return services;
    }

    /// <summary>Binds and checks every section now, with the registrations above; throws
    /// <see cref="InvalidSettingsException"/> listing every problem of every section.</summary>
    public static ValidatedSettings ReadValidated(IConfiguration configuration)
    {
        var services = new ServiceCollection().AddThingyardSettings(configuration);
        // A container of the settings alone, gone once read: the application's own is built later, by the host.
#pragma warning disable ASP0000
        using var provider = services.BuildServiceProvider();
#pragma warning restore ASP0000
        var failures = new List<string>();
        var values = new Dictionary<Type, object>();
        foreach (var section in All)
        {
            try
            {
                var (type, value) = section.Resolve(provider);
                values[type] = value;
            }
            catch (OptionsValidationException e) { failures.AddRange(e.Failures); }
        }
        if (failures.Count > 0) throw new InvalidSettingsException(failures);
        return new ValidatedSettings(values);
    }
}
