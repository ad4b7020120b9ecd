module todo-chatbot/tests/cluster/probe

go 1.24
