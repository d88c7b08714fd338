// Alarms wiring: rules and alarms per request; the rule cache and the message path's observer; the evaluator and the
// notifier (e-mail through MailKit, webhooks through the shared WebhookOutbox) as background services.
using Thingyard.Alarms;

namespace Thingyard.Server.Alarms;

public static class AlarmsSetup
{
    public static IServiceCollection AddAlarms(this IServiceCollection services)
    {
        services.AddSingleton<AlarmChanges>();
        services.AddScoped<AlarmRules>();
        services.AddScoped<AlarmLog>();
        services.AddSingleton<AlarmRuleDirectory>();
        services.AddSingleton<AlarmObserver>();
        services.AddSingleton<Hosting.Mailer>();
        services.AddSingleton<AlarmMail>();
        services.AddSingleton<AlarmNotifier>();
        services.AddHostedService(sp => sp.GetRequiredService<AlarmNotifier>());
        services.AddSingleton<AlarmEvaluator>();
        services.AddHostedService(sp => sp.GetRequiredService<AlarmEvaluator>());
        return services;
    }
}
