using NeuroCore.Cli;

return new CliApp(CliConsole.FromProcess()).Run(args);
