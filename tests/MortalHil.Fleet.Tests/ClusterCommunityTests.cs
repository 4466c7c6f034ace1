using MortalHil.Core.Community;
using MortalHil.Core.Data;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Learning.Trainers;
using MortalHil.Fleet.Cluster;
using MortalHil.Fleet.Community;
using MortalHil.Host.Boards;
using MortalHil.Tests.Data;

namespace MortalHil.Fleet.Tests;

/// <summary>
/// A community whose boards sit on two real silo processes, the hub in the test: every board ends each round exactly
/// where the in-process run leaves it (same shards, same boards, same messages), and the bytes measured on the network
/// carry at least the messages' payload.
/// </summary>
public sealed class ClusterCommunityTests
{
    [Fact]
    public async Task Boards_on_two_nodes_learn_exactly_as_in_process_and_the_network_carries_at_least_the_payload()
    {
        string dir = StripeImages.Write(Directory.CreateTempSubdirectory("mortalhil-community-data-").FullName, train: 600, test: 100);
        try
        {
            string dataset = $"idx:{dir}";
            var data = ImagePreprocessing.Prepare(DatasetSpec.Parse(dataset).Load(null, TextWriter.Null), 2, PixelNormalization.UnitRange);
            var d = TrainDefaults.For("np");
            var s = new CommunitySettings
            {
                Shape = new NetworkShape([data.Features, 8, data.Classes]), ShardExamples = 64, TransferExamples = 64, Rounds = 1, LocalEpochs = 1,
                Batch = 16, Algo = "np", Trainer = d.Settings with { Seed = 3 },
                Mapping = new MappingOptions { Pairs = d.Pairs, InitialWindowFraction = d.InitialWindowFraction, ReadoutGroups = d.ReadoutGroups, Seed = 3 },
                TestLimit = 100, Seed = 3,
            };
            int[] sizes = [2];
            ShardKind[] kinds = [ShardKind.Skewed];
            // Both kinds of message (weights, soft targets) and the control; conductance averaging sends weights too and programs slowly.
            SharingMethod[] methods = [SharingMethod.DigitalWeightAveraging, SharingMethod.MutualDistillation, SharingMethod.MortalAlone];
            var local = CommunityExperiment.Run(data, sizes, kinds, s, serial => BoardOpener.Open($"sim:reram:{serial}"), TextWriter.Null, methods);

            using var fleet = new LocalFleet();
            fleet.StartNodes(("c1", []), ("c2", []));
            await using var client = await FleetClient.ConnectAsync(fleet.Cluster, TimeSpan.FromSeconds(60));
            var place = await ClusterCommunity.StartAsync(client.Client, s, dataset, null, 2, "sim:reram");
            var remote = await CommunityExperiment.RunAsync(place, sizes, kinds, s, data.Classes, TextWriter.Null, methods).WaitAsync(TimeSpan.FromMinutes(3));

            Assert.Equal(["c1", "c2"], place.Nodes);
            Assert.Equal(local.Count, remote.Count);
            foreach (var (l, r) in local.Zip(remote))
            {
                Assert.Equal((l.Method, l.Board, l.Round), (r.Method, r.Board, r.Round));
                Assert.Equal(l.Accuracy, r.Accuracy);
                Assert.Equal(l.Pulses, r.Pulses);
                Assert.Equal(l.BitsSent, r.BitsSent);
                Assert.Null(l.NetworkBits);
                double network = Assert.NotNull(r.NetworkBits);
                if (r.Round == 0 || r.Method == SharingMethod.MortalAlone) Assert.Equal(0, network);
                else
                {
                    // Every message crosses at least one link with Orleans' framing on top, and at most two (through a gateway silo).
                    Assert.True(network >= r.BitsSent, $"{r.Method}: {network} bits measured for {r.BitsSent} bits of messages");
                    Assert.True(network <= 2 * r.BitsSent + 8 * 4096 * r.Round, $"{r.Method}: {network} bits measured for {r.BitsSent} bits of messages");
                }
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
