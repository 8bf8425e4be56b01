#include "core/analysis/flow.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <memory>
#include <thread>

#include <omp.h>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/boykov_kolmogorov_max_flow.hpp>

#include "core/common/error.h"

namespace attnscope {

namespace {

using Traits = boost::adjacency_list_traits<boost::vecS, boost::vecS, boost::directedS>;
using Edge = Traits::edge_descriptor;
using Graph = boost::adjacency_list<
    boost::vecS, boost::vecS, boost::directedS, boost::no_property,
    boost::property<boost::edge_index_t, size_t,
                    boost::property<boost::edge_capacity_t, int64_t, boost::property<boost::edge_reverse_t, Edge>>>>;

constexpr double kScale = 1099511627776.0;  // 2^40: fixed-point capacities

// The layered graph over tokens 0..n-1 (see flow.h); node (m, a) = m * n + a. Built in place:
// the reverse-edge property holds edge descriptors, which point into this graph's storage and
// would dangle in a copy.
std::unique_ptr<Graph> build_graph(const std::vector<RowMatrix>& layers, int n) {
  const int levels = static_cast<int>(layers.size());
  auto graph = std::make_unique<Graph>(static_cast<size_t>((levels + 1) * n));
  Graph& g = *graph;
  auto capacity = get(boost::edge_capacity, g);
  auto reverse = get(boost::edge_reverse, g);
  auto index = get(boost::edge_index, g);
  size_t next = 0;
  for (int m = 1; m <= levels; ++m) {
    const RowMatrix& a = layers[static_cast<size_t>(m - 1)];
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) {
        const int64_t c = std::llround(static_cast<double>(a(i, j)) * kScale);
        if (c <= 0) continue;
        const Edge e = add_edge(static_cast<size_t>(m * n + i), static_cast<size_t>((m - 1) * n + j), g).first;
        const Edge r = add_edge(static_cast<size_t>((m - 1) * n + j), static_cast<size_t>(m * n + i), g).first;
        put(capacity, e, c);
        put(capacity, r, 0);
        put(reverse, e, r);
        put(reverse, r, e);
        put(index, e, next++);
        put(index, r, next++);
      }
  }
  return graph;
}

}  // namespace

std::string group_thousands(int64_t n) {
  const std::string digits = std::to_string(n < 0 ? -n : n);
  std::string s = n < 0 ? "-" : "";
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) s += ',';
    s += digits[i];
  }
  return s;
}

FlowCost estimate_flow_cost(const AttentionMaps& maps, const FlowOptions& options) {
  check_attention_maps(maps, "attention flow");
  const int64_t levels = static_cast<int64_t>(require_layer_range(maps, options.start_layer, "attention flow").size());
  const int64_t S = maps.seq_len;
  FlowCost c;
  c.causal = is_lower_triangular(maps);
  auto graph_size = [&](int64_t n, int64_t& nodes, int64_t& edges) {
    nodes = (levels + 1) * n;
    edges = 2 * levels * (c.causal ? n * (n + 1) / 2 : n * n);  // with the reverse edges
  };
  graph_size(S, c.nodes, c.edges);
  for (int r : options.rows)
    if (r < 0 || r >= S)
      fail(ErrorKind::Usage, "attention flow: row " + std::to_string(r) + " is out of range (valid: 0-" + std::to_string(S - 1) + ")");
  if (!options.rows.empty()) {
    for (int r : options.rows) {
      const int64_t n = c.causal ? r + 1 : S;
      int64_t nodes, edges;
      graph_size(n, nodes, edges);
      c.solves += n;
      c.cost += static_cast<double>(n) * static_cast<double>(nodes + edges);
    }
  } else if (c.causal) {
    for (int64_t n = 1; n <= S; ++n) {
      int64_t nodes, edges;
      graph_size(n, nodes, edges);
      c.solves += n;
      c.cost += static_cast<double>(n) * static_cast<double>(nodes + edges);
    }
  } else {
    c.solves = S * S;
    c.cost = static_cast<double>(c.solves) * static_cast<double>(c.nodes + c.edges);
  }
  return c;
}

FlowResult attention_flow(const AttentionMaps& maps, const FlowOptions& options, const ProgressFn& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  FlowResult result;
  result.cost = estimate_flow_cost(maps, options);
  const FlowCost& c = result.cost;
  if (options.max_cost > 0 && c.cost > options.max_cost) {
    char costs[96];
    std::snprintf(costs, sizeof costs, "estimated cost %.2g node+edge visits; the limit is %.2g", c.cost, options.max_cost);
    fail(ErrorKind::Resource, "attention flow over " + std::to_string(maps.seq_len) + " tokens and " +
                                  std::to_string(maps.num_layers - options.start_layer) + " layers would solve " +
                                  group_thousands(c.solves) + " max-flow problems on a graph of " + group_thousands(c.nodes) +
                                  " nodes and " + group_thousands(c.edges) + " edges (" + costs +
                                  "); use a shorter input, a later start layer, or attention rollout");
  }

  const std::vector<RowMatrix> layers =
      residual_layers(maps, options.fusion, options.residual_weight, options.start_layer, "attention flow");
  const int S = maps.seq_len;
  const int levels = static_cast<int>(layers.size());
  const int threads = options.threads > 0 ? options.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  // The rows to solve, longest first for causal models (they take the longest).
  std::vector<int> rows = options.rows;
  if (rows.empty())
    for (int k = 0; k < S; ++k) rows.push_back(c.causal ? S - 1 - k : k);
  const int R = static_cast<int>(rows.size());
  Eigen::MatrixXd F = Eigen::MatrixXd::Zero(R, S);
  std::unique_ptr<Graph> full;
  if (!c.causal) full = build_graph(layers, S);

  // Fewer rows than threads (an image's CLS row): the rows' max-flow problems are handed out
  // instead, and progress counts problems rather than rows.
  const bool by_pair = R < threads;
  std::vector<std::unique_ptr<Graph>> row_graphs;  // by_pair and causal: row k's graph
  std::vector<std::pair<int, int>> pairs;          // by_pair: (k, input token j)
  if (by_pair) {
    for (int k = 0; k < R; ++k) {
      const int n = c.causal ? rows[static_cast<size_t>(k)] + 1 : S;
      if (c.causal) row_graphs.push_back(build_graph(layers, n));
      for (int j = 0; j < n; ++j) pairs.emplace_back(k, j);
    }
  }
  const int units = by_pair ? static_cast<int>(pairs.size()) : R;

  // One parallel region with work handed out dynamically (longest rows first): a fork/join per
  // row stalls badly when the cores are busy with other work. Only the calling thread (OpenMP's
  // thread 0) reports progress, whenever the count of finished units has changed.
  std::atomic<int> units_done{0};
  std::atomic<bool> stop{false};
  std::exception_ptr error;
  int reported = 0;
  auto report_units = [&] {
    const int done = units_done.load();
    if (done == reported) return;
    reported = done;
    const std::string what = by_pair ? " max-flow problems" : " tokens";
    if (!report(progress, done, units, "attention flow: " + std::to_string(done) + "/" + std::to_string(units) + what)) stop = true;
  };
#pragma omp parallel num_threads(threads)
  {
    const bool caller = omp_get_thread_num() == 0;
    std::vector<int64_t> residual;
    std::vector<Edge> predecessor;
    std::vector<boost::default_color_type> color;
    std::vector<int64_t> distance;
    // The flow from output token i (node (levels, i)) to input token j (node (0, j)) in g.
    auto max_flow = [&](Graph& g, int n, int i, int j) {
      residual.resize(num_edges(g));
      predecessor.resize(num_vertices(g));
      color.resize(num_vertices(g));
      distance.resize(num_vertices(g));
      const auto vindex = get(boost::vertex_index, g);
      return static_cast<double>(boost::boykov_kolmogorov_max_flow(
          g, get(boost::edge_capacity, g), boost::make_iterator_property_map(residual.begin(), get(boost::edge_index, g)),
          get(boost::edge_reverse, g), boost::make_iterator_property_map(predecessor.begin(), vindex),
          boost::make_iterator_property_map(color.begin(), vindex), boost::make_iterator_property_map(distance.begin(), vindex), vindex,
          static_cast<size_t>(levels * n + i), static_cast<size_t>(j)));
    };
#pragma omp for schedule(dynamic, 1) nowait
    for (int u = 0; u < units; ++u) {
      if (stop) continue;
      try {
        if (by_pair) {
          const auto [k, j] = pairs[static_cast<size_t>(u)];
          const int i = rows[static_cast<size_t>(k)];
          Graph& g = c.causal ? *row_graphs[static_cast<size_t>(k)] : *full;
          F(k, j) = max_flow(g, c.causal ? i + 1 : S, i, j);  // distinct (k, j) per unit: no race
        } else {
          const int i = rows[static_cast<size_t>(u)];
          const int out = options.rows.empty() ? i : u;  // all rows: by token; chosen rows: in their order
          const int n = c.causal ? i + 1 : S;  // tokens reachable from output token i
          std::unique_ptr<Graph> part = c.causal ? build_graph(layers, n) : nullptr;
          Graph& g = c.causal ? *part : *full;
          for (int j = 0; j < n && !stop; ++j) {
            F(out, j) = max_flow(g, n, i, j);
            if (caller) report_units();
          }
          if (stop) continue;
          const double total = F.row(out).sum();
          if (total > 0) F.row(out) /= total;
        }
        ++units_done;
        if (caller) report_units();
      } catch (...) {
#pragma omp critical(attnscope_flow_error)
        if (!error) error = std::current_exception();
        stop = true;
      }
    }
  }
  if (error) std::rethrow_exception(error);
  if (!stop) report_units();  // the units other threads finished last
  if (by_pair && !stop)
    for (int k = 0; k < R; ++k) {
      const double total = F.row(k).sum();
      if (total > 0) F.row(k) /= total;
    }
  if (stop) {
    FlowResult cancelled;
    cancelled.cancelled = true;
    return cancelled;
  }
  result.flow = F.cast<float>();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

}  // namespace attnscope
