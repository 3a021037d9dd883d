#include "replay/reference.h"

#include <cmath>
#include <cstdint>

#include "core/util/check.h"
#include "replay/init.h"

namespace tbp {
namespace replay {
namespace {

std::vector<double> Values(uint64_t key, int64_t count, float scale) {
  std::vector<double> out(count);
  for (int64_t i = 0; i < count; ++i) {
    out[i] = static_cast<double>(scale * HashUniform(key, static_cast<uint64_t>(i)));
  }
  return out;
}

// A topological order of the COMPUTE nodes (Kahn, smallest id first).
std::vector<NodeId> TopologicalOrder(const Graph& g) {
  std::vector<int32_t> pending(g.num_nodes(), 0);
  std::vector<NodeId> order, ready;
  for (NodeId v : g.compute_nodes()) {
    for (NodeId u : g.inputs(v)) pending[v] += g.is_compute(u) ? 1 : 0;
    if (pending[v] == 0) ready.push_back(v);
  }
  for (size_t i = 0; i < ready.size(); ++i) {
    const NodeId v = ready[i];
    order.push_back(v);
    for (NodeId w : g.consumers(v)) {
      if (--pending[w] == 0) ready.push_back(w);
    }
  }
  TBP_CHECK(order.size() == g.compute_nodes().size());
  return order;
}

}  // namespace

ReferenceGradients ComputeReferenceGradients(const ReplayModel& m) {
  const Graph& g = m.tensor_graph();
  const int32_t n = g.num_nodes();
  const int64_t batch = m.batch();
  std::vector<std::vector<double>> x(n), w(m.num_terms()), b(n);
  for (NodeId v = 0; v < n; ++v) {
    if (g.is_compute(v)) {
      b[v] = Values(InitKey(m.seed(), kInitBias, v, 0), m.width(v), 0.1f);
    } else {
      x[v] = Values(InitKey(m.seed(), kInitInput, v, 0), batch * m.width(v), 1.0f);
    }
  }
  for (int64_t t = 0; t < m.num_terms(); ++t) {
    const NodeId v = m.term_node(t);
    w[t] = Values(InitKey(m.seed(), kInitWeight, v, t - m.term_begin(v)), m.weight_elements(t),
                  m.weight_scale(v));
  }
  const std::vector<NodeId> order = TopologicalOrder(g);
  ReferenceGradients out;
  for (NodeId v : order) {
    const int64_t wv = m.width(v);
    std::vector<double>& y = x[v];
    y.assign(batch * wv, 0.0);
    for (int64_t t = m.term_begin(v); t < m.term_end(v); ++t) {
      const NodeId u = m.term_input(t);
      const int64_t wu = m.width(u);
      for (int64_t r = 0; r < batch; ++r) {
        for (int64_t p = 0; p < wu; ++p) {
          const double a = x[u][r * wu + p];
          for (int64_t j = 0; j < wv; ++j) y[r * wv + j] += a * w[t][p * wv + j];
        }
      }
    }
    for (int64_t r = 0; r < batch; ++r) {
      for (int64_t j = 0; j < wv; ++j) y[r * wv + j] = std::tanh(y[r * wv + j] + b[v][j]);
    }
    if (g.is_output(v)) {
      for (double e : y) out.loss += e;
    }
  }
  std::vector<std::vector<double>> dy(n);
  out.weight.resize(m.num_terms());
  out.bias.resize(n);
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const NodeId v = *it;
    const int64_t wv = m.width(v);
    std::vector<double>& gv = dy[v];
    gv.resize(batch * wv, 0.0);
    if (g.is_output(v)) {
      for (double& e : gv) e += 1.0;
    }
    for (int64_t i = 0; i < batch * wv; ++i) gv[i] *= 1.0 - x[v][i] * x[v][i];
    out.bias[v].assign(wv, 0.0);
    for (int64_t r = 0; r < batch; ++r) {
      for (int64_t j = 0; j < wv; ++j) out.bias[v][j] += gv[r * wv + j];
    }
    for (int64_t t = m.term_begin(v); t < m.term_end(v); ++t) {
      const NodeId u = m.term_input(t);
      const int64_t wu = m.width(u);
      std::vector<double>& dw = out.weight[t];
      dw.assign(wu * wv, 0.0);
      for (int64_t r = 0; r < batch; ++r) {
        for (int64_t p = 0; p < wu; ++p) {
          for (int64_t j = 0; j < wv; ++j) dw[p * wv + j] += x[u][r * wu + p] * gv[r * wv + j];
        }
      }
      if (!g.is_compute(u)) continue;
      std::vector<double>& du = dy[u];
      du.resize(batch * wu, 0.0);
      for (int64_t r = 0; r < batch; ++r) {
        for (int64_t p = 0; p < wu; ++p) {
          double s = 0;
          for (int64_t j = 0; j < wv; ++j) s += gv[r * wv + j] * w[t][p * wv + j];
          du[r * wu + p] += s;
        }
      }
    }
    gv.clear();
    gv.shrink_to_fit();
  }
  return out;
}

}  // namespace replay
}  // namespace tbp
