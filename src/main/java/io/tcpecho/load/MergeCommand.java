package io.tcpecho.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.tcpecho.load.LoadOptions.Report;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code load merge}: the JSON reports of a run's shards ({@code --shard I/N ... --json FILE}) merged into the run's one
 * result ({@link MergedRun}). Each file may hold several reports, one JSON object a line among other lines, so that
 * the shards' logs can be piped in whole ({@code -} reads stdin).
 */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = "Merge the JSON reports of a run's shards exactly: histograms added, counts summed, throughput over "
                + "the union of their windows, per-second timelines summed, every missing or failed shard named, "
                + "thresholds, steady's budgets and spread's expected pods judged on the result.")
final class MergeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Shard reports, one JSON object a line; - for stdin.")
    List<String> files;

    @Option(names = "--expect-shards", paramLabel = "N",
            description = "The run's number of shards (default: the count the reports say).")
    Integer expectedShards;

    @Mixin
    MergeThresholds thresholds;

    @Mixin
    SteadyBudgets budgets;

    @Option(names = "--expect-pods", paramLabel = "N",
            description = "spread's: the pods behind the target; the merge fails unless that many answered its shards, "
                    + "and those that answered none count as 0 in the evenness.")
    Integer expectedPods;

    @Mixin
    Report output;

    @Override
    public Integer call() {
        if (expectedShards != null) {
            LoadOptions.positive(spec, "--expect-shards", expectedShards);
        }
        if (thresholds.errors != null) {
            LoadOptions.notNegative(spec, "--max-errors", thresholds.errors);
        }
        budgets.validate(spec);
        if (expectedPods != null) {
            LoadOptions.notNegative(spec, "--expect-pods", expectedPods);
        }
        MergedRun run;
        try {
            List<ShardReport> reports = new ArrayList<>();
            for (String file : files) {
                reports.addAll(ShardReport.readAll(file, read(file)));
            }
            run = new MergedRun(reports, expectedShards, thresholds, budgets, expectedPods);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        return output.print(spec, run.table(), run.json(), run.failureReason());
    }

    private String read(String file) {
        try {
            return file.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + LoadRun.describe(e));
        }
    }
}
