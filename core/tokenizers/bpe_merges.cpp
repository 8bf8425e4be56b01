#include "core/tokenizers/bpe_merges.h"

#include <queue>

namespace attnscope {

void BpeMerges::add(int32_t left, int32_t right, int32_t rank, int32_t merged) {
  table_.try_emplace(key(left, right), Merge{rank, merged});  // first occurrence wins, like HF
}

std::vector<BpeMerges::Symbol> BpeMerges::apply(const std::vector<int32_t>& ids) const {
  const size_t n = ids.size();
  struct Node {
    Symbol sym;
    int32_t prev, next;
    bool alive;
  };
  std::vector<Node> nodes(n);
  for (size_t i = 0; i < n; ++i)
    nodes[i] = Node{Symbol{ids[i], static_cast<uint32_t>(i), static_cast<uint32_t>(i + 1)}, static_cast<int32_t>(i) - 1,
                    i + 1 < n ? static_cast<int32_t>(i + 1) : -1, true};

  // Candidate merges ordered by (rank, position of the left symbol); stale entries are skipped.
  struct Candidate {
    int32_t rank;
    int32_t left;
    int32_t left_id, right_id;
    bool operator>(const Candidate& o) const { return rank != o.rank ? rank > o.rank : left > o.left; }
  };
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<Candidate>> queue;
  auto consider = [&](int32_t left) {
    if (left < 0) return;
    const int32_t right = nodes[left].next;
    if (right < 0) return;
    const int32_t a = nodes[left].sym.id, b = nodes[right].sym.id;
    if (a < 0 || b < 0) return;
    auto it = table_.find(key(a, b));
    if (it != table_.end()) queue.push(Candidate{it->second.rank, left, a, b});
  };
  for (size_t i = 0; i + 1 < n; ++i) consider(static_cast<int32_t>(i));

  while (!queue.empty()) {
    const Candidate c = queue.top();
    queue.pop();
    Node& L = nodes[c.left];
    if (!L.alive || L.sym.id != c.left_id || L.next < 0) continue;
    Node& R = nodes[L.next];
    if (R.sym.id != c.right_id) continue;
    L.sym.id = table_.at(key(c.left_id, c.right_id)).merged;
    L.sym.last = R.sym.last;
    R.alive = false;
    L.next = R.next;
    if (R.next >= 0) nodes[R.next].prev = c.left;
    consider(L.prev);
    consider(c.left);
  }

  std::vector<Symbol> out;
  for (int32_t i = n ? 0 : -1; i >= 0; i = nodes[i].next) out.push_back(nodes[i].sym);
  return out;
}

bool split_merge_line(const std::string& line, std::string& left, std::string& right) {
  const size_t sp = line.find(' ');
  if (sp == std::string::npos || sp == 0 || sp + 1 >= line.size() || line.find(' ', sp + 1) != std::string::npos) return false;
  left = line.substr(0, sp);
  right = line.substr(sp + 1);
  return true;
}

}  // namespace attnscope
