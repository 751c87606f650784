#pragma once
// A doubly linked list whose nodes live inside their owners (awaiters in coroutine frames,
// spawned-task states), so waiting never allocates and a node can unlink itself in O(1).
#include <cassert>
#include <cstddef>

namespace tern::detail {

class ListNode {
public:
    ListNode() noexcept = default;
    ListNode(ListNode const&) = delete;
    ListNode& operator=(ListNode const&) = delete;
    ~ListNode() { unlink(); }

    bool linked() const noexcept { return next_ != this; }

    void unlink() noexcept {
        prev_->next_ = next_;
        next_->prev_ = prev_;
        prev_ = next_ = this;
    }

private:
    template <typename T> friend class IntrusiveList;
    ListNode* prev_ = this;
    ListNode* next_ = this;
};

/// A FIFO of T, where T derives from ListNode. The list does not own its elements; an element
/// that dies unlinks itself.
template <typename T>
class IntrusiveList {
public:
    IntrusiveList() noexcept = default;
    IntrusiveList(IntrusiveList const&) = delete;
    IntrusiveList& operator=(IntrusiveList const&) = delete;
    ~IntrusiveList() { assert(empty() && "a list died with elements still waiting in it"); }

    bool empty() const noexcept { return !head_.linked(); }

    std::size_t size() const noexcept {
        std::size_t n = 0;
        for (auto* p = head_.next_; p != &head_; p = p->next_) ++n;
        return n;
    }

    void push_back(T& item) noexcept {
        ListNode& node = item;
        assert(!node.linked());
        node.prev_ = head_.prev_;
        node.next_ = &head_;
        head_.prev_->next_ = &node;
        head_.prev_ = &node;
    }

    T& front() noexcept {
        assert(!empty());
        return static_cast<T&>(*head_.next_);
    }

    /// Calls f on each element; f may unlink the element it is given, and nothing else.
    template <typename F>
    void for_each(F&& f) {
        for (auto* p = head_.next_; p != &head_;) {
            auto* next = p->next_;
            f(static_cast<T&>(*p));
            p = next;
        }
    }

private:
    ListNode head_;
};

}  // namespace tern::detail
