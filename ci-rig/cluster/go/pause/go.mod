// The pod sandbox's "pause" process, ours: see main.go. Standard library only.
module todo-chatbot.local/toolchain/pause

go 1.24
