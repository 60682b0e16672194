package io.tcpecho.load;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import io.tcpecho.testing.LoadClient;
import io.tcpecho.testing.LoadClient.Outcome;
import io.tcpecho.testing.ServerProcess;
import io.vertx.core.json.JsonObject;

/**
 * The shards of one run of the load client, each on a thread of its own, started together through a barrier
 * ({@code --barrier}) as in an Indexed Job, each writing its JSON report to {@code shard-I.json} in a directory.
 */
final class ShardRuns {

    private final Path dir;
    private final int shards;

    ShardRuns(Path dir, int shards) {
        this.dir = dir;
        this.shards = shards;
    }

    /** Runs {@code command} (a workload and its options) as every shard at once; the outcomes in index order. */
    List<Outcome> run(List<String> command) throws Exception {
        String barrier = "127.0.0.1:" + ServerProcess.freePort();
        ExecutorService threads = Executors.newFixedThreadPool(shards);
        List<Future<Outcome>> running;
        try {
            running = threads.invokeAll(IntStream.range(0, shards).<Callable<Outcome>>mapToObj(index -> () -> {
                List<String> args = new ArrayList<>(command);
                args.addAll(List.of("--shard", index + "/" + shards, "--barrier", barrier, "--json",
                        file(index).toString()));
                return LoadClient.run(args.toArray(String[]::new));
            }).toList());
        } finally {
            threads.shutdown();
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (Future<Outcome> shard : running) {
            outcomes.add(shard.get());
        }
        return outcomes;
    }

    File file(int index) {
        return dir.resolve("shard-" + index + ".json").toFile();
    }

    List<File> files() {
        return IntStream.range(0, shards).mapToObj(this::file).toList();
    }

    /** The JSON reports the shards wrote, in index order. */
    List<JsonObject> reports() {
        return files().stream().map(file -> {
            try {
                return new JsonObject(Files.readString(file.toPath()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }
}
